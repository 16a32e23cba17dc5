import type { GraphQLDataSource } from '@apollo/gateway';
import type { SubscriptionNode } from '@apollo/query-planner';
import type { GatewayExecutionResult } from '@apollo/server-gateway-interface';
import { GraphQLError } from 'graphql';
import { SubgraphDataSource, type SubgraphRequestContext } from '../subgraph-data-source.js';
import { SubscriptionTooSlowError } from '../subgraph-subscription.js';
import { deepMerge, type Json } from './data-tree.js';
import { executePlanNode, type PlanRun } from './execute-plan.js';
import { withCompletionErrors, type ShapingResult } from './response-shape.js';

/** A subgraph subscription that failed or closed, as the client is told (then the stream completes). */
function streamEnded(serviceName: string, error: unknown): GraphQLError {
  if (error instanceof SubscriptionTooSlowError) {
    return new GraphQLError(error.message, { extensions: { code: 'SUBSCRIPTION_TOO_SLOW', subgraph: serviceName } });
  }
  const reason = error instanceof Error ? '' : ` (close code ${String((error as { code?: unknown })?.code ?? 'unknown')})`;
  return new GraphQLError(`The subscription to subgraph "${serviceName}" ended${reason}; subscribe again.`, {
    extensions: { code: 'SUBGRAPH_UNAVAILABLE', subgraph: serviceName },
  });
}

export interface SubscriptionRun {
  node: SubscriptionNode;
  dataSource(serviceName: string): GraphQLDataSource | undefined;
  variables: Record<string, unknown>;
  context: SubgraphRequestContext;
  /** A plan run over one event's data tree. */
  newRun(data: Record<string, unknown>): PlanRun;
  /** The client's answer read out of one event's merged data. */
  shape(data: Record<string, unknown>): ShapingResult;
}

/**
 * The events of a subscription: the plan's primary fetch is the subgraph subscription; for each
 * event the rest of the plan runs on its data (entity fetches to other subgraphs, with the subgraph
 * client's policies), then the compiled shape reads the client's answer out of it.
 */
export async function* subscriptionEvents(run: SubscriptionRun): AsyncGenerator<GatewayExecutionResult> {
  const { node, variables, context } = run;
  const primary = node.primary;
  const dataSource = run.dataSource(primary.serviceName);
  if (!(dataSource instanceof SubgraphDataSource)) {
    yield { errors: [streamEnded(primary.serviceName, new Error('no data source'))] };
    return;
  }
  const fetchVariables: Record<string, unknown> = {};
  for (const name of primary.variableUsages ?? []) if (Object.prototype.hasOwnProperty.call(variables, name)) fetchVariables[name] = variables[name];
  const source = dataSource.subscribe({ query: primary.operation, variables: fetchVariables, operationName: primary.operationName }, context);
  try {
    for (;;) {
      let step: Awaited<ReturnType<typeof source.next>>;
      try {
        step = await source.next();
      } catch (error) {
        yield { errors: [streamEnded(primary.serviceName, error)] };
        return;
      }
      if (step.done) return;
      const data: Record<string, unknown> = {};
      if (step.value.data) deepMerge(data, step.value.data as Json);
      const plan = run.newRun(data);
      for (const error of step.value.errors ?? []) {
        const code = error.extensions?.code;
        plan.errors.push(
          new GraphQLError(error.message, {
            path: error.path,
            extensions: {
              ...error.extensions,
              code: code === undefined || code === 'INTERNAL_SERVER_ERROR' ? 'SUBGRAPH_ERROR' : code,
              subgraph: primary.serviceName,
            },
          }),
        );
      }
      if (node.rest) await executePlanNode(plan, node.rest, [], [data]);
      const shaped = run.shape(data);
      const errors = withCompletionErrors(plan.errors, shaped.errors);
      yield errors.length ? { data: shaped.data, errors } : { data: shaped.data };
    }
  } finally {
    await source.return?.();
  }
}
