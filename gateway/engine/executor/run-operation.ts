import type { GraphQLDataSource } from '@apollo/gateway';
import type { PlanNode } from '@apollo/query-planner';
import type { GatewayExecutionResult, GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import { GraphQLError } from 'graphql';
import type { SubgraphRequestContext } from '../subgraph-data-source.js';
import { IncrementalChannel, startDeferredBlocks, throughConditions, type DeferPlan } from './defer.js';
import { executePlanNode, type PlanRun } from './execute-plan.js';
import { executeIntrospection } from './introspection.js';
import type { CompiledOperation, SupergraphState } from './operation-plans.js';
import { shapeResponse, ShapingFailure, withCompletionErrors } from './response-shape.js';

/** One execution of a compiled operation: what it runs on and for whom. */
export interface OperationRun {
  state: SupergraphState;
  compiled: CompiledOperation;
  requestContext: GatewayGraphQLRequestContext;
  variables: Record<string, unknown>;
  /** The request's context, or a shared execution's (its own signal and response collector). */
  context: SubgraphRequestContext;
  dataSource(serviceName: string): GraphQLDataSource | undefined;
}

/** The plan run's state over `data` (the merged answers). */
export function newPlanRun(run: OperationRun, data: Record<string, unknown>): PlanRun {
  return {
    requestContext: run.requestContext,
    context: run.context,
    variables: run.variables,
    variableDefaults: run.compiled.shape.variableDefaults,
    supergraphSchema: run.state.supergraphSchema,
    dataSource: run.dataSource,
    data,
    errors: [],
    signal: run.context.signal,
    unsharedAnswers: run.state.usesContext,
  };
}

/**
 * Runs a query's or mutation's plan (subscriptions go through subscriptionEvents), answers its root
 * introspection fields, shapes the response and starts its deferred blocks.
 */
export async function runPlan(operation: OperationRun): Promise<GatewayExecutionResult> {
  const { state, compiled, requestContext, variables, context } = operation;
  const data: Record<string, unknown> = {};
  const run = newPlanRun(operation, data);
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
  if (compiled.introspection) {
    // The planner left the root introspection fields out; graphql-js answers them, shaping takes them as they are.
    const answer = executeIntrospection(state.servedSchema, compiled.introspection, requestContext.request.operationName, variables);
    if (answer.data) Object.assign(data, answer.data);
    if (answer.errors) run.errors.push(...answer.errors);
  }
  try {
    const shaped = shapeResponse(state.apiSchemaJs, compiled.shape, data, variables);
    const errors = withCompletionErrors(run.errors, shaped.errors);
    // The deferred blocks run once the primary is merged; none when the initial payload is null.
    if (deferPlan?.blocks.length && shaped.data && context.incremental) {
      const channel = new IncrementalChannel();
      startDeferredBlocks({ run, apiSchema: state.apiSchemaJs, variables: { ...compiled.shape.variableDefaults, ...variables }, channel }, deferPlan);
      context.incremental.subsequent = channel;
    }
    return errors.length ? { errors, data: shaped.data } : { data: shaped.data };
  } catch (error) {
    if (!(error instanceof ShapingFailure)) throw error;
    return { errors: [new GraphQLError(error.message)] };
  }
}
