import type { ApolloGateway, GraphQLDataSource } from '@apollo/gateway';
import { operationFromDocument, Supergraph, type Schema } from '@apollo/federation-internals';
import { QueryPlanner, type DeferNode, type PlanNode, type QueryPlan, type SubscriptionNode } from '@apollo/query-planner';
import type {
  GatewayExecutionResult,
  GatewayExecutor,
  GatewayGraphQLRequestContext,
  GatewayInterface,
  GatewaySchemaLoadOrUpdateCallback,
} from '@apollo/server-gateway-interface';
import {
  getVariableValues,
  GraphQLError,
  GraphQLSchema as GraphQLSchemaClass,
  Kind,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type OperationTypeNode,
  type VariableDefinitionNode,
} from 'graphql';
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import type { SubgraphRequestContext } from '../subgraph-data-source.js';
import { executePlanNode, type PlanRun } from './execute-plan.js';
import { createExecutionGate } from './admission.js';
import { createSharedExecutions, type SharedExecutions } from './shared-executions.js';
import { compileOperationShape, UnsupportedOperation, type OperationShape } from './compile-shape.js';
import { shapeResponse, ShapingFailure, withCompletionErrors } from './response-shape.js';
import {
  compileDeferPlans,
  DEFER_DIRECTIVE,
  IncrementalChannel,
  startDeferredBlocks,
  throughConditions,
  withoutDefer,
  type DeferPlan,
} from './defer.js';
import { subscriptionEvents } from './subscription-events.js';
import { unsupportedNode, type FallbackReason } from './fallback.js';
import { overrideLabelsOf, resolveOverrides } from './override-labels.js';

export type { FallbackReason } from './fallback.js';

export interface PlanExecutingGatewayOptions {
  /** Loads and reloads the supergraph (hot reload, health), and executes what we hand back. */
  apollo: ApolloGateway;
  /** The data source Apollo built for a subgraph (same transport, error policy and metrics). */
  dataSource(serviceName: string): GraphQLDataSource | undefined;
  logger: Logger;
  /** Byte budget of the plan cache (plans, compiled shapes; counted by the plan's JSON length ×4). */
  planCacheBytes: number;
  /** `Apollo-Query-Plan-Experimental` is honoured (by Apollo's executor) only when this is on. */
  exposeQueryPlans: boolean;
  /** Progressive-override labels other than `percent(N)` that are on (the rest are off). */
  overrideLabels?: readonly string[];
  /** Draws `percent(N)` labels per request (injectable for tests); a number in [0, 100). */
  random?: () => number;
  /** Told about every operation Apollo's executor runs instead of ours. */
  onFallback?(reason: FallbackReason): void;
  /**
   * Inbound deduplication: the part of the sharing key that comes from the request (identity and
   * forwarded headers, as they reach subgraphs). Undefined (the function, or its answer) means never
   * share: off by config, or subgraph response headers are passed back to callers.
   */
  sharingHeaders?(context: SubgraphRequestContext): string | undefined;
  /** Told about every query that joined an identical one in flight instead of executing. */
  onShared?(): void;
  /** server.executionConcurrency (absent or limit 0: no limit). */
  executionConcurrency?: { limit: number; busyAbove: number; releaseAfterMs: number };
  /** One execution that waited for a slot (switchyard_executions_queued_total). */
  onQueued?(): void;
}

interface CompiledOperation {
  kind: OperationTypeNode;
  /** A SubscriptionNode only for subscriptions (its primary fetch is the subgraph subscription). */
  node: PlanNode | SubscriptionNode | undefined;
  shape: OperationShape;
  /** The operation's variable definitions without source locations (a cached AST node would keep the whole document). */
  variableDefinitions: readonly VariableDefinitionNode[] | undefined;
  /** Planned for incremental delivery: the plan's Defer nodes, compiled (`shape` is then the initial payload's). */
  defer?: Map<DeferNode, DeferPlan>;
}

/** A deep copy of AST nodes without `loc` (which references the source text and every token). */
function withoutLocations<T>(nodes: T): T {
  return JSON.parse(JSON.stringify(nodes, (key, value: unknown) => (key === 'loc' ? undefined : value))) as T;
}

/** A cache entry: compiled (with its approximate size in bytes) or the reason Apollo runs it. */
type PlanEntry = { compiled: CompiledOperation; bytes: number } | { fallback: FallbackReason; bytes?: undefined };

interface SupergraphState {
  supergraphSchema: GraphQLSchema;
  apiSchema: Schema;
  apiSchemaJs: GraphQLSchema;
  /** The API schema Apollo Server serves and validates against: Apollo's, with the `@defer` directive. */
  servedSchema: GraphQLSchema;
  planner: QueryPlanner;
  plans: LRUCache<string, PlanEntry>;
  /** Every `@override(label:)` of the supergraph, in a fixed order (the plan key's bits follow it). */
  overrideLabels: readonly string[];
}

/**
 * Switchyard's executor behind Apollo Server's gateway seam (`GatewayInterface`). Apollo's gateway
 * still loads, composes and hot-reloads the supergraph and owns the subgraph data sources; its
 * QueryPlanner plans. Plans and response shapes are compiled once per operation and cached; the
 * plan runs on our executor (merging in place, shaping compiled). What it does not run (see
 * FallbackReason) goes to Apollo's executor, counted.
 */
export class PlanExecutingGateway implements GatewayInterface {
  private state: SupergraphState | undefined;
  private fallback: GatewayExecutor | null = null;
  private readonly shared: SharedExecutions;
  private readonly gate: ReturnType<typeof createExecutionGate>;

  constructor(private readonly options: PlanExecutingGatewayOptions) {
    this.shared = createSharedExecutions(options.onShared);
    this.gate = options.executionConcurrency && createExecutionGate(options.executionConcurrency, options.onQueued);
    // Registered before Apollo Server's own listener: the state is ready when the schema is served.
    options.apollo.onSchemaLoadOrUpdate(({ coreSupergraphSdl, apiSchema }) => {
      try {
        this.state = this.buildState(coreSupergraphSdl, apiSchema);
      } catch (error) {
        // Apollo accepted this supergraph; without our planner every operation takes Apollo's path.
        this.state = undefined;
        options.logger.error({ err: error }, 'supergraph not usable by the executor: Apollo executes every operation');
      }
    });
  }

  private buildState(sdl: string, apiSchemaJs: GraphQLSchema): SupergraphState {
    const supergraph = Supergraph.build(sdl);
    const apiSchema = supergraph.apiSchema();
    const directives = apiSchemaJs.getDirective('defer') ? apiSchemaJs.getDirectives() : [...apiSchemaJs.getDirectives(), DEFER_DIRECTIVE];
    return {
      supergraphSchema: supergraph.schema.toGraphQLJSSchema(),
      apiSchema,
      apiSchemaJs,
      // Apollo's gateway serves its API schema without `@defer` (it cannot execute it); ours can.
      servedSchema: new GraphQLSchemaClass({ ...apiSchemaJs.toConfig(), directives }),
      // One planner for both modes: operations served whole are planned without their @defer.
      planner: new QueryPlanner(supergraph, { incrementalDelivery: { enableDefer: true } }),
      overrideLabels: overrideLabelsOf(supergraph),
      plans: new LRUCache<string, PlanEntry>({
        maxSize: Math.max(1, this.options.planCacheBytes),
        sizeCalculation: (entry, key) => (entry.bytes ?? 256) + key.length,
      }),
    };
  }

  onSchemaLoadOrUpdate(callback: GatewaySchemaLoadOrUpdateCallback): () => void {
    // Our own listener was registered first, so the state for this supergraph is built by now.
    return this.options.apollo.onSchemaLoadOrUpdate((update) => callback(this.state ? { ...update, apiSchema: this.state.servedSchema } : update));
  }

  async load(options: Parameters<GatewayInterface['load']>[0]) {
    const { executor } = await this.options.apollo.load(options);
    this.fallback = executor;
    return { executor: (requestContext: GatewayGraphQLRequestContext) => this.execute(requestContext) };
  }

  stop(): Promise<void> {
    this.gate?.stop();
    return this.options.apollo.stop();
  }

  private runFallback(reason: FallbackReason, requestContext: GatewayGraphQLRequestContext): Promise<GatewayExecutionResult> {
    this.options.onFallback?.(reason);
    // Apollo's executor knows no @defer (its API schema lacks the directive): it answers whole.
    if (requestContext.source?.includes('defer')) requestContext = { ...requestContext, document: withoutDefer(requestContext.document) };
    return this.fallback!(requestContext);
  }

  /**
   * Plans and compiles one operation. `incremental`: planned with its `@defer`s (the client reads
   * multipart); else the defers are dropped and the answer is served whole, as the spec allows.
   */
  private compile(
    state: SupergraphState,
    requestContext: GatewayGraphQLRequestContext,
    overrideConditions: Map<string, boolean> | undefined,
    incremental = false,
  ): PlanEntry {
    const { document, request } = requestContext;
    let operation: OperationDefinitionNode | undefined;
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
      else if (definition.kind === Kind.OPERATION_DEFINITION && (request.operationName ? definition.name?.value === request.operationName : true)) {
        operation ??= definition;
      }
    }
    if (!operation) return { fallback: 'unplannable' };
    let shape: OperationShape;
    try {
      shape = compileOperationShape(state.apiSchemaJs, operation, fragments, { deferAsSkip: incremental });
    } catch (error) {
      if (error instanceof UnsupportedOperation) return { fallback: error.message === 'introspection' ? 'introspection' : 'unsupported' };
      throw error;
    }
    // Served whole (by us) when incremental delivery would misplace blocks (see deferLabelRepeats).
    if (incremental && shape.deferLabelRepeats) return { fallback: 'unsupported' };
    let plan: QueryPlan;
    try {
      // Served whole, the operation is planned without its @defers (Operation.withoutDefer cannot take named fragments).
      const planned = shape.hasDefer && !incremental ? withoutDefer(document) : document;
      const federationOperation = operationFromDocument(state.apiSchema, planned, { operationName: request.operationName ?? undefined });
      plan = state.planner.buildQueryPlan(federationOperation, overrideConditions ? { overrideConditions } : undefined);
    } catch {
      // Apollo's executor reports the problem as it always has.
      return { fallback: 'unplannable' };
    }
    const node = plan.node as PlanNode | SubscriptionNode | undefined;
    if (operation.operation === 'subscription' && node?.kind !== 'Subscription') return { fallback: 'subscription' };
    const unsupported = node?.kind === 'Subscription' ? (unsupportedNode(node.primary) ?? unsupportedNode(node.rest)) : unsupportedNode(node);
    if (unsupported) return { fallback: unsupported };
    let defer: Map<DeferNode, DeferPlan> | undefined;
    if (incremental) {
      try {
        // Deferred blocks find their type by their path in the whole operation.
        defer = compileDeferPlans(state.apiSchemaJs, compileOperationShape(state.apiSchemaJs, operation, fragments), node as PlanNode | undefined);
      } catch (error) {
        if (error instanceof UnsupportedOperation) return { fallback: 'unsupported' };
        throw error;
      }
    }
    // Plans hold their fetch documents; shapes are about as big again as the operation's text.
    const bytes = 4 * JSON.stringify(plan).length + 4 * ((operation.loc?.end ?? 0) - (operation.loc?.start ?? 0));
    const variableDefinitions = operation.variableDefinitions?.length ? withoutLocations(operation.variableDefinitions) : undefined;
    return { compiled: { kind: operation.operation, node, shape, variableDefinitions, defer }, bytes: defer ? 2 * bytes : bytes };
  }

  private async execute(requestContext: GatewayGraphQLRequestContext): Promise<GatewayExecutionResult> {
    const state = this.state;
    const { request } = requestContext;
    if (!state) return this.runFallback('unsupported', requestContext);
    if (this.options.exposeQueryPlans && request.http?.headers.get('apollo-query-plan-experimental')) {
      return this.runFallback('query-plan-header', requestContext);
    }
    const overrides = resolveOverrides(state.overrideLabels, this.options.overrideLabels ?? [], this.options.random);
    let key = request.operationName ? `${requestContext.queryHash}\n${request.operationName}` : requestContext.queryHash;
    if (overrides) key += `\n${overrides.bits}`;
    const context = requestContext.context as SubgraphRequestContext;
    let entry = state.plans.get(key);
    const planSpan = context.trace?.startSpan('graphql.plan', { attributes: { 'switchyard.plan.cache': entry ? 'hit' : 'miss' } });
    if (!entry) {
      entry = this.compile(state, requestContext, overrides?.conditions);
      state.plans.set(key, entry);
    }
    if (planSpan) {
      planSpan.setAttributes({ 'switchyard.executor': 'fallback' in entry ? `apollo (${entry.fallback})` : 'switchyard' });
      planSpan.end();
    }
    if ('fallback' in entry) return this.runFallback(entry.fallback, requestContext);
    let { compiled } = entry;
    if (compiled.shape.hasDefer && context.incremental) {
      const incrementalKey = `${key}\ndefer`;
      let incremental = state.plans.get(incrementalKey);
      if (!incremental) {
        incremental = this.compile(state, requestContext, overrides?.conditions, true);
        state.plans.set(incrementalKey, incremental);
      }
      // A plan shape this executor does not deliver incrementally is served whole (still ours).
      if ('compiled' in incremental) compiled = incremental.compiled;
    }
    const variables = request.variables ?? {};
    if (compiled.variableDefinitions) {
      // Invalid variables: Apollo's executor answers with its errors, as it always has.
      const { errors } = getVariableValues(state.apiSchemaJs, compiled.variableDefinitions, variables);
      if (errors?.length) return this.runFallback('variables', requestContext);
    }

    if (compiled.kind === 'subscription') {
      // Only a WebSocket (or SSE) transport reads a stream; plain HTTP refused it before planning.
      if (!context.subscription) return this.runFallback('subscription', requestContext);
      context.subscription.stream = subscriptionEvents({
        node: compiled.node as SubscriptionNode,
        dataSource: this.options.dataSource,
        variables,
        context,
        newRun: (data) => this.newRun(state, compiled, requestContext, variables, context, data),
        shape: (data) => shapeResponse(state.apiSchemaJs, compiled.shape, data, variables),
      });
      context.subscription.subgraph = (compiled.node as SubscriptionNode).primary.serviceName;
      return { data: {} };
    }
    const headers = compiled.kind === 'query' && !compiled.defer && this.options.sharingHeaders ? this.options.sharingHeaders(context) : undefined;
    if (headers === undefined) return this.admitted(() => this.runPlan(state, compiled, requestContext, variables, context), context.signal);
    const shareKey = `${key}\n${documentId(requestContext.document)}\n${JSON.stringify(variables)}\n${headers}`;
    return this.shared.run(shareKey, { signal: context.signal, collector: context.subgraphResponse }, ({ signal, collector }) =>
      // The shared run fetches with the first caller's headers (equal, by the key) but its own signal and collector.
      this.admitted(
        () =>
          this.runPlan(
            state,
            compiled,
            requestContext,
            variables,
            Object.assign(Object.create(context) as SubgraphRequestContext, { signal, subgraphResponse: collector }),
          ),
        signal,
      ),
    );
  }

  private admitted<T>(work: () => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    return this.gate ? this.gate.run(work, signal) : work();
  }

  private newRun(
    state: SupergraphState,
    compiled: CompiledOperation,
    requestContext: GatewayGraphQLRequestContext,
    variables: Record<string, unknown>,
    context: SubgraphRequestContext,
    data: Record<string, unknown>,
  ): PlanRun {
    return {
      requestContext,
      context,
      variables,
      variableDefaults: compiled.shape.variableDefaults,
      supergraphSchema: state.supergraphSchema,
      dataSource: this.options.dataSource,
      data,
      errors: [],
      signal: context.signal,
    };
  }

  private async runPlan(
    state: SupergraphState,
    compiled: CompiledOperation,
    requestContext: GatewayGraphQLRequestContext,
    variables: Record<string, unknown>,
    context: SubgraphRequestContext,
  ): Promise<GatewayExecutionResult> {
    const data: Record<string, unknown> = {};
    const run = this.newRun(state, compiled, requestContext, variables, context, data);
    // Subscriptions never get here (subscriptionEvents runs them).
    let node = compiled.node as PlanNode | undefined;
    let deferPlan: DeferPlan | undefined;
    if (compiled.defer) {
      // `@defer(if: $v)` is a Condition above the Defer node: its branch is known before anything runs.
      node = throughConditions(node, { ...compiled.shape.variableDefaults, ...variables });
      if (node?.kind === 'Defer') {
        deferPlan = compiled.defer.get(node);
        node = node.primary.node;
      }
    }
    if (node) await executePlanNode(run, node, [], [data]);
    try {
      const shaped = shapeResponse(state.apiSchemaJs, compiled.shape, data, variables);
      const errors = withCompletionErrors(run.errors, shaped.errors);
      // The deferred blocks run once the primary is merged; none when the initial payload is null.
      if (deferPlan?.blocks.length && shaped.data && context.incremental) {
        const channel = new IncrementalChannel();
        startDeferredBlocks(
          { run, apiSchema: state.apiSchemaJs, variables: { ...compiled.shape.variableDefaults, ...variables }, channel },
          deferPlan,
        );
        context.incremental.subsequent = channel;
      }
      return errors.length ? { errors, data: shaped.data } : { data: shaped.data };
    } catch (error) {
      if (!(error instanceof ShapingFailure)) throw error;
      return { errors: [new GraphQLError(error.message)] };
    }
  }
}

const documentIds = new WeakMap<object, number>();
let nextDocumentId = 0;

/** A number per parsed document object (the document store and the authorization filter reuse them). */
function documentId(document: object): number {
  let id = documentIds.get(document);
  if (id === undefined) documentIds.set(document, (id = nextDocumentId++));
  return id;
}
