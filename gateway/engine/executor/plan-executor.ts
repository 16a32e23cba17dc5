import type { ApolloGateway, GraphQLDataSource } from '@apollo/gateway';
import type { SubscriptionNode } from '@apollo/query-planner';
import type {
  GatewayExecutionResult,
  GatewayExecutor,
  GatewayGraphQLRequestContext,
  GatewayInterface,
  GatewaySchemaLoadOrUpdateCallback,
} from '@apollo/server-gateway-interface';
import { getVariableValues } from 'graphql';
import type { Logger } from 'pino';
import type { SubgraphRequestContext } from '../subgraph-data-source.js';
import { createExecutionGate } from './admission.js';
import { createSharedExecutions, documentId, type SharedExecutions } from './shared-executions.js';
import { shapeResponse } from './response-shape.js';
import { withoutDefer } from './defer.js';
import { subscriptionEvents } from './subscription-events.js';
import { newPlanRun, runPlan } from './run-operation.js';
import type { FallbackReason } from './fallback.js';
import { CONTEXT_FEATURES } from './context-values.js';
import { executeIntrospection } from './introspection.js';
import { createClientError } from '../../errors.js';
import { resolveOverrides } from './override-labels.js';
import { buildSupergraphState, compileOperation, queryPlanFormat, shownPlan, type SupergraphState } from './operation-plans.js';

export type { FallbackReason } from './fallback.js';

export interface PlanExecutingGatewayOptions {
  /** Loads and reloads the supergraph (hot reload, health), and executes what we hand back. */
  apollo: ApolloGateway;
  /** The data source Apollo built for a subgraph (same transport, error policy and metrics). */
  dataSource(serviceName: string): GraphQLDataSource | undefined;
  logger: Logger;
  /** Byte budget of the plan cache (plans, compiled shapes; counted by the plan's JSON length ×4). */
  planCacheBytes: number;
  /** `Apollo-Query-Plan-Experimental` is answered with the plan (`extensions.__queryPlanExperimental`) only when this is on. */
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

/**
 * Switchyard's executor behind Apollo Server's gateway seam (`GatewayInterface`). Apollo's gateway
 * still loads, composes and hot-reloads the supergraph and owns the subgraph data sources; its
 * QueryPlanner plans. Plans and response shapes are compiled once per operation and cached; the
 * plan runs on our executor (merging in place, shaping compiled). What it does not run (see
 * FallbackReason) goes to Apollo's executor, counted.
 */
export class PlanExecutingGateway implements GatewayInterface {
  private state: SupergraphState | undefined;
  /** The executor could not load a supergraph that only it can serve (@context): refuse rather than fall back. */
  private unservable = false;
  private lastPlanningWarning = Number.NEGATIVE_INFINITY;
  private quietPlanningErrors = 0;
  private fallback: GatewayExecutor | null = null;
  private readonly shared: SharedExecutions;
  private readonly gate: ReturnType<typeof createExecutionGate>;

  constructor(private readonly options: PlanExecutingGatewayOptions) {
    this.shared = createSharedExecutions(options.onShared);
    this.gate = options.executionConcurrency && createExecutionGate(options.executionConcurrency, options.onQueued);
    // Registered before Apollo Server's own listener: the state is ready when the schema is served.
    options.apollo.onSchemaLoadOrUpdate(({ coreSupergraphSdl, apiSchema }) => {
      try {
        this.state = buildSupergraphState(coreSupergraphSdl, apiSchema, options.planCacheBytes);
      } catch (error) {
        // Apollo accepted this supergraph; without our planner every operation takes Apollo's path,
        // unless it uses @context, whose values Apollo's executor would silently leave out.
        this.state = undefined;
        this.unservable = [...CONTEXT_FEATURES].some((url) => coreSupergraphSdl.includes(url));
        options.logger.error(
          { err: error },
          this.unservable
            ? 'supergraph not usable by the executor, and it uses @context: every operation is refused'
            : 'supergraph not usable by the executor: Apollo executes every operation',
        );
      }
    });
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

  private async execute(requestContext: GatewayGraphQLRequestContext): Promise<GatewayExecutionResult> {
    const state = this.state;
    const { request } = requestContext;
    if (!state) {
      if (this.unservable) {
        return {
          errors: [createClientError('SERVICE_UNAVAILABLE', 'The gateway cannot execute operations on its current supergraph; its log says why.')],
        };
      }
      return this.runFallback('unsupported', requestContext);
    }
    const overrides = resolveOverrides(state.overrideLabels, this.options.overrideLabels ?? [], this.options.random);
    let key = request.operationName ? `${requestContext.queryHash}\n${request.operationName}` : requestContext.queryHash;
    if (overrides) key += `\n${overrides.bits}`;
    const context = requestContext.context as SubgraphRequestContext;
    let entry = state.plans.get(key);
    const planSpan = context.trace?.startSpan('graphql.plan', { attributes: { 'switchyard.plan.cache': entry ? 'hit' : 'miss' } });
    if (!entry) {
      entry = compileOperation(state, requestContext, overrides?.conditions, false, (error) => this.logPlanningError(error, requestContext));
      state.plans.set(key, entry);
    }
    if (planSpan) {
      planSpan.setAttributes({
        'switchyard.executor': 'fallback' in entry ? `apollo (${entry.fallback})` : 'refused' in entry ? 'refused' : 'switchyard',
      });
      planSpan.end();
    }
    if ('refused' in entry) {
      // A planning failure is an execution error (`data` null), except for a subscription, which never starts.
      const executionError = entry.planningFailed && requestContext.operation?.operation !== 'subscription';
      return executionError ? { data: null, errors: [entry.refused] } : { errors: [entry.refused] };
    }
    if ('fallback' in entry) return this.runFallback(entry.fallback, requestContext);
    if ('introspection' in entry) {
      // The schema clients validate against (with @defer), as graphql-js introspects it; an @defer in it is ignored.
      return executeIntrospection(state.servedSchema, requestContext.document, request.operationName, request.variables) as GatewayExecutionResult;
    }
    let { compiled } = entry;
    if (compiled.shape.hasDefer && context.incremental) {
      const incrementalKey = `${key}\ndefer`;
      let incremental = state.plans.get(incrementalKey);
      if (!incremental) {
        incremental = compileOperation(state, requestContext, overrides?.conditions, true, (error) => this.logPlanningError(error, requestContext));
        state.plans.set(incrementalKey, incremental);
      }
      // A plan shape this executor does not deliver incrementally is served whole (still ours).
      if ('compiled' in incremental) compiled = incremental.compiled;
    }
    const variables = request.variables ?? {};
    if (compiled.variableDefinitions) {
      // Invalid variables: graphql-js's coercion errors, the answer Apollo's executor gives too.
      const { errors } = getVariableValues(state.apiSchemaJs, compiled.variableDefinitions, variables);
      // Again over the request's own definitions, which keep the locations the errors point to.
      if (errors?.length) {
        const definitions = requestContext.operation?.variableDefinitions ?? compiled.variableDefinitions;
        return { errors: getVariableValues(state.apiSchemaJs, definitions, variables).errors ?? errors };
      }
    }

    if (compiled.kind === 'subscription') {
      // Only a WebSocket (or SSE) transport reads a stream; plain HTTP refused it before planning.
      if (!context.subscription) return this.runFallback('subscription', requestContext);
      context.subscription.stream = subscriptionEvents({
        node: compiled.node as SubscriptionNode,
        dataSource: this.options.dataSource,
        variables,
        context,
        newRun: (data) => newPlanRun({ state, compiled, requestContext, variables, context, dataSource: this.options.dataSource }, data),
        shape: (data) => shapeResponse(state.apiSchemaJs, compiled.shape, data, variables),
      });
      context.subscription.subgraph = (compiled.node as SubscriptionNode).primary.serviceName;
      return { data: {} };
    }
    const planFormat = this.options.exposeQueryPlans
      ? request.http?.headers.get('apollo-query-plan-experimental') && queryPlanFormat(request)
      : undefined;
    if (planFormat) {
      // A development aid (server.exposeQueryPlans): the plan in the answer's extensions, as @apollo/gateway shows it; never shared.
      const result = await this.admitted(
        () => runPlan({ state, compiled, requestContext, variables, context, dataSource: this.options.dataSource }),
        context.signal,
      );
      return { ...result, extensions: { ...result.extensions, __queryPlanExperimental: shownPlan(compiled.plan, planFormat) } };
    }
    const headers = compiled.kind === 'query' && !compiled.defer && this.options.sharingHeaders ? this.options.sharingHeaders(context) : undefined;
    if (headers === undefined)
      return this.admitted(
        () => runPlan({ state, compiled, requestContext, variables, context, dataSource: this.options.dataSource }),
        context.signal,
      );
    const shareKey = `${key}\n${documentId(requestContext.document)}\n${JSON.stringify(variables)}\n${headers}`;
    return this.shared.run(shareKey, { signal: context.signal, collector: context.subgraphResponse }, ({ signal, collector }) =>
      // The shared run fetches with the first caller's headers (equal, by the key) but its own signal and collector.
      this.admitted(
        () =>
          runPlan({
            state,
            compiled,
            requestContext,
            variables,
            context: Object.assign(Object.create(context) as SubgraphRequestContext, { signal, subgraphResponse: collector }),
            dataSource: this.options.dataSource,
          }),
        signal,
      ),
    );
  }

  /**
   * The planner's message for an operation it could not plan, once per cached operation. Hostile
   * clients can vary documents the planner's own limits refuse, so at most one warning a minute
   * (saying how many went to debug meanwhile); the rest at debug.
   */
  private logPlanningError(error: unknown, requestContext: GatewayGraphQLRequestContext): void {
    const details = { err: error, queryHash: requestContext.queryHash, operationName: requestContext.request.operationName };
    const now = performance.now();
    if (now - this.lastPlanningWarning < 60_000) {
      this.quietPlanningErrors++;
      this.options.logger.debug(details, 'the query planner could not plan an operation');
      return;
    }
    this.options.logger.warn({ ...details, sinceLastWarning: this.quietPlanningErrors }, 'the query planner could not plan an operation');
    this.lastPlanningWarning = now;
    this.quietPlanningErrors = 0;
  }

  private admitted<T>(work: () => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    return this.gate ? this.gate.run(work, signal) : work();
  }
}
