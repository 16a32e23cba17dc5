import { operationFromDocument, Supergraph, type Schema } from '@apollo/federation-internals';
import { prettyFormatQueryPlan, QueryPlanner, type DeferNode, type PlanNode, type QueryPlan, type SubscriptionNode } from '@apollo/query-planner';
import type { GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import {
  GraphQLSchema as GraphQLSchemaClass,
  Kind,
  type FragmentDefinitionNode,
  type GraphQLError,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type OperationTypeNode,
  type DocumentNode,
  type VariableDefinitionNode,
} from 'graphql';
import { LRUCache } from 'lru-cache';
import { compileOperationShape, UnsupportedOperation, type OperationShape } from './compile-shape.js';
import { compileDeferPlans, DEFER_DIRECTIVE, withoutDefer, type DeferPlan } from './defer.js';
import { contextFallbackRefusal, type FallbackReason } from './fallback.js';
import { createClientError } from '../../errors.js';
import { CONTEXT_FEATURES, readsContext } from './context-values.js';
import { overrideLabelsOf } from './override-labels.js';
import { introspectionDocument, isIntrospectionOnly, withoutRootIntrospection } from './introspection.js';

/**
 * Per supergraph, the executor's schemas, planner and plan cache; per operation, its plan and
 * compiled response shape (what the cache holds), or why Apollo's executor runs it instead.
 */

export interface CompiledOperation {
  kind: OperationTypeNode;
  /** The planner's plan (shown to clients only with server.exposeQueryPlans and the header). */
  plan: QueryPlan;
  /** A SubscriptionNode only for subscriptions (its primary fetch is the subgraph subscription). */
  node: PlanNode | SubscriptionNode | undefined;
  shape: OperationShape;
  /** The operation's variable definitions without source locations (a cached AST node would keep the whole document). */
  variableDefinitions: readonly VariableDefinitionNode[] | undefined;
  /** Root introspection fields beside data: the operation pruned to them, for graphql-js (see introspection.ts). */
  introspection?: DocumentNode;
  /** Planned for incremental delivery: the plan's Defer nodes, compiled (`shape` is then the initial payload's). */
  defer?: Map<DeferNode, DeferPlan>;
}

/** A deep copy of AST nodes without `loc` (which references the source text and every token). */
function withoutLocations<T>(nodes: T): T {
  return JSON.parse(JSON.stringify(nodes, (key, value: unknown) => (key === 'loc' ? undefined : value))) as T;
}

/**
 * A cache entry: compiled (with its approximate size in bytes), the reason Apollo runs it, or the
 * error it is refused with (it would fall back, but its plan reads @context values).
 */
export type PlanEntry =
  | { compiled: CompiledOperation; bytes: number }
  | { introspection: true; bytes?: undefined }
  | { fallback: FallbackReason; bytes?: undefined }
  | { refused: GraphQLError; planningFailed?: true; bytes?: undefined };

export interface SupergraphState {
  supergraphSchema: GraphQLSchema;
  apiSchema: Schema;
  apiSchemaJs: GraphQLSchema;
  /** The API schema Apollo Server serves and validates against: Apollo's, with the `@defer` directive. */
  servedSchema: GraphQLSchema;
  planner: QueryPlanner;
  plans: LRUCache<string, PlanEntry>;
  /** Every `@override(label:)` of the supergraph, in a fixed order (the plan key's bits follow it). */
  overrideLabels: readonly string[];
  /** The supergraph links `@context`: Apollo's executor must run none of its plans that read context values. */
  usesContext: boolean;
}

/** What the executor keeps per supergraph: schemas, the planner, the plan cache (`planCacheBytes`). */
export function buildSupergraphState(sdl: string, apiSchemaJs: GraphQLSchema, planCacheBytes: number): SupergraphState {
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
    usesContext: [...(supergraph.schema.coreFeatures?.allFeatures() ?? [])].some((feature) => CONTEXT_FEATURES.has(feature.url.toString())),
    plans: new LRUCache<string, PlanEntry>({
      maxSize: Math.max(1, planCacheBytes),
      sizeCalculation: (entry, key) => (entry.bytes ?? 256) + key.length,
    }),
  };
}

/**
 * Plans and compiles one operation. `incremental`: planned with its `@defer`s (the client reads
 * multipart); else the defers are dropped and the answer is served whole, as the spec allows.
 */
export function compileOperation(
  state: SupergraphState,
  requestContext: GatewayGraphQLRequestContext,
  overrideConditions: Map<string, boolean> | undefined,
  incremental = false,
  onPlanningError?: (error: unknown) => void,
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
    if (!(error instanceof UnsupportedOperation)) throw error;
    // Apollo's executor plans it again: what it would fail at (a planner error: a 500 there) or get
    // wrong (@context values) is answered here instead.
    const planned = tryPlan(state, withoutDefer(document), request.operationName, overrideConditions);
    if ('error' in planned) {
      onPlanningError?.(planned.error);
      return PLANNING_FAILED;
    }
    if (state.usesContext && readsContextIn(planned.node)) return { refused: contextFallbackRefusal(error.message) };
    return { fallback: 'unsupported' };
  }
  // Nothing to fetch: graphql-js answers it from the served schema (see introspection.ts).
  if (shape.introspection && isIntrospectionOnly(operation.selectionSet, fragments)) return { introspection: true };
  // Served whole (by us) when incremental delivery would misplace blocks (see deferLabelRepeats), or
  // would lose root introspection deferred into a block the planner, without it, leaves empty.
  if (incremental && (shape.deferLabelRepeats || shape.introspection)) return { fallback: 'unsupported' };
  // Served whole, the operation is planned without its @defers (Operation.withoutDefer cannot take named fragments).
  const planned = tryPlan(state, shape.hasDefer && !incremental ? withoutDefer(document) : document, request.operationName, overrideConditions);
  if ('error' in planned) {
    onPlanningError?.(planned.error);
    return PLANNING_FAILED;
  }
  const { plan, node } = planned;
  if (operation.operation === 'subscription' && node?.kind !== 'Subscription') return { fallback: 'subscription' };
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
  const introspection = shape.introspection ? introspectionDocument(operation, fragments) : undefined;
  // Plans hold their fetch documents; shapes are about as big again as the operation's text.
  const bytes =
    4 * JSON.stringify(plan).length +
    4 * ((operation.loc?.end ?? 0) - (operation.loc?.start ?? 0)) +
    (introspection ? 2 * JSON.stringify(introspection).length : 0);
  const variableDefinitions = operation.variableDefinitions?.length ? withoutLocations(operation.variableDefinitions) : undefined;
  return {
    compiled: {
      kind: operation.operation,
      plan,
      node,
      shape,
      variableDefinitions,
      defer,
      introspection,
    },
    bytes: defer ? 2 * bytes : bytes,
  };
}

/**
 * What an operation the planner cannot plan is answered (not cached with the planner's error:
 * its message and nodes would keep the request's document). Apollo's executor lets the same error
 * out of Apollo Server as a 500 with the planner's words (schema details); the client is told
 * plainly and the log gets the words.
 */
const PLANNING_FAILED: PlanEntry = {
  refused: createClientError('QUERY_PLANNING_FAILED', 'The gateway could not plan this operation over its current supergraph.'),
  planningFailed: true,
};

/**
 * Plans `document`'s operation (its root introspection fields left out: the planner drops only
 * direct ones), or the planner's error.
 */
function tryPlan(
  state: SupergraphState,
  document: DocumentNode,
  operationName: string | null | undefined,
  overrideConditions: Map<string, boolean> | undefined,
): { plan: QueryPlan; node: PlanNode | SubscriptionNode | undefined } | { error: unknown } {
  try {
    const federationOperation = operationFromDocument(state.apiSchema, withoutRootIntrospection(document, operationName), {
      operationName: operationName ?? undefined,
    });
    const plan = state.planner.buildQueryPlan(federationOperation, overrideConditions ? { overrideConditions } : undefined);
    return { plan, node: plan.node as PlanNode | SubscriptionNode | undefined };
  } catch (error) {
    return { error };
  }
}

/** Some fetch of the plan reads `@context` values. */
function readsContextIn(node: PlanNode | SubscriptionNode | undefined): boolean {
  return node?.kind === 'Subscription' ? readsContext(node.primary) || readsContext(node.rest) : readsContext(node);
}

/** `Apollo-Query-Plan-Experimental-Format`: `prettified` (the default), `internal`, or anything else. */
export function queryPlanFormat(request: GatewayGraphQLRequestContext['request']): string {
  return request.http?.headers.get('apollo-query-plan-experimental-format') ?? 'prettified';
}

/** What @apollo/gateway puts in `extensions.__queryPlanExperimental` for a format. */
export function shownPlan(plan: QueryPlan, format: string): unknown {
  if (format === 'prettified') return plan.node ? prettyFormatQueryPlan(plan) : true;
  return format === 'internal' ? plan : true;
}
