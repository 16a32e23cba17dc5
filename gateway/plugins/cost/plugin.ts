import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { createClientError, GatewayErrorCode } from '../../errors.js';
import type { GatewayPlugin } from '../plugin.js';
import type { GatewayContext } from '../../request-context.js';
import type { SupergraphModel } from '../../supergraph/index.js';
import { createCostModel, type CostModel } from './cost-model.js';
import { COST_REQUEST_HEADER, type CostOptions } from './options.js';

declare module '../../request-context.js' {
  interface GatewayContext {
    /**
     * The admitted operation's estimated cost, set in `didResolveOperation` (on Apollo's per-request
     * context, so later Apollo hooks of the same request see it); read by the rate limit.
     */
    demand?: { cost: number };
  }
}

function asksForCost(context: GatewayContext): boolean {
  const value = context.incoming.headers[COST_REQUEST_HEADER];
  return typeof value === 'string' && value !== 'false' && value !== '0';
}

/**
 * Demand control: the cost model is rebuilt from each supergraph Apollo loads (`schemaDidLoadOrUpdate`
 * gives the core supergraph SDL, reloads included), and every operation's cost is estimated in
 * `didResolveOperation`, before the query plan runs, so a refused operation calls no subgraph.
 * The estimate goes on the request log line (`estimatedCost`), to `onEstimate` (metrics) and, when
 * the client sends `switchyard-include-cost`, into the response's `extensions.cost`. An admitted
 * operation's cost is left on `context.demand` for the rate limit (`rateLimit.chargeByCost`).
 */
export function createCostApolloPlugin(
  options: CostOptions,
): ApolloServerPlugin<GatewayContext> & { onSupergraph(supergraph: SupergraphModel): void } {
  const { maxCost, mode } = options;
  let model: CostModel | undefined;
  // Built from each supergraph the engine is about to get, picked up when Apollo reports it loaded.
  const pending = new Map<string, CostModel>();
  const report = (cost: number) => ({ estimated: cost, max: maxCost, mode });

  const listener: GraphQLRequestListener<GatewayContext> = {
    async didResolveOperation({ document, operation, request, contextValue }) {
      if (!model || !operation) return;
      const cost = model.costOf(document, operation, request.variables);
      contextValue.requestLog.estimatedCost = cost;
      const over = cost > maxCost;
      if (over && mode === 'enforce') {
        options.onEstimate?.(cost, 'refused');
        throw createClientError(
          GatewayErrorCode.COST_LIMIT_EXCEEDED,
          `Operation cost ${cost} exceeds the maximum of ${maxCost}; ask for fewer items (smaller first/limit) or fewer nested lists.`,
          { extensions: { estimatedCost: cost, maxCost } },
        );
      }
      if (over) contextValue.logger.warn({ estimatedCost: cost, maxCost }, 'operation cost over the limit (cost.mode: measure, served)');
      options.onEstimate?.(cost, over ? 'over_limit' : 'admitted');
      // Only admitted operations carry a cost: a refused one is charged as a plain request.
      contextValue.demand = { cost };
    },
    async willSendResponse({ response, contextValue }) {
      const cost = contextValue.requestLog.estimatedCost;
      if (cost === undefined || response.body.kind !== 'single' || !asksForCost(contextValue)) return;
      const result = response.body.singleResult;
      result.extensions = { ...result.extensions, cost: report(cost) };
    },
  };
  return {
    onSupergraph(supergraph) {
      try {
        pending.set(supergraph.sdl, createCostModel(supergraph, options));
        // At most the last few: a rejected supergraph must not keep its model forever.
        if (pending.size > 4) pending.delete(pending.keys().next().value!);
      } catch (error) {
        options.logger.error({ err: error }, 'cost model could not be built from the supergraph; keeping the previous one');
      }
    },
    async serverWillStart() {
      return {
        schemaDidLoadOrUpdate({ coreSupergraphSdl }) {
          const next = coreSupergraphSdl === undefined ? undefined : pending.get(coreSupergraphSdl);
          if (!next) return;
          model = next;
          pending.delete(coreSupergraphSdl!);
        },
      };
    },
    async requestDidStart() {
      return listener;
    },
  };
}

/** The demand-control capability (`cost` config section). */
export function createCostPlugin(options: CostOptions): GatewayPlugin {
  const apollo = createCostApolloPlugin(options);
  // After the authorization filter: the cost is that of the operation as it will be planned.
  return { name: 'cost', after: ['auth'], apolloPlugins: [apollo], onSupergraph: (supergraph) => apollo.onSupergraph(supergraph) };
}
