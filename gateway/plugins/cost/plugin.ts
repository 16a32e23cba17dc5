import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { createClientError, GatewayErrorCode } from '../../errors.js';
import type { GatewayExtension } from '../../extension.js';
import type { GatewayContext } from '../../request-context.js';
import { createCostModel, type CostModel } from './cost-model.js';
import type { CostOptions } from './options.js';

/**
 * Demand control: the cost model is rebuilt from each supergraph Apollo loads (`schemaDidLoadOrUpdate`
 * gives the core supergraph SDL, reloads included), and every operation's cost is estimated in
 * `didResolveOperation`, before the query plan runs, so a refused operation calls no subgraph.
 * An admitted operation's cost is left on `context.demand` for the rate limit (`rateLimit.chargeByCost`).
 */
export function createCostPlugin(options: CostOptions): ApolloServerPlugin<GatewayContext> {
  let model: CostModel | undefined;
  const listener: GraphQLRequestListener<GatewayContext> = {
    async didResolveOperation({ document, operation, request, contextValue }) {
      if (!model || !operation) return;
      const cost = model.costOf(document, operation, request.variables);
      if (cost > options.maxCost) {
        throw createClientError(
          GatewayErrorCode.COST_LIMIT_EXCEEDED,
          `Operation cost ${cost} exceeds the maximum of ${options.maxCost}; ask for fewer items (smaller first/limit) or fewer nested lists.`,
          { httpStatus: 400, extensions: { estimatedCost: cost, maxCost: options.maxCost } },
        );
      }
      // Only admitted operations carry a cost: a refused one is charged as a plain request.
      contextValue.demand = { cost };
    },
  };
  return {
    async serverWillStart() {
      return {
        schemaDidLoadOrUpdate({ coreSupergraphSdl }) {
          if (coreSupergraphSdl === undefined) return;
          try {
            model = createCostModel(coreSupergraphSdl, options);
          } catch (error) {
            // Apollo already accepted this supergraph; keep the previous model rather than fail requests.
            options.logger.error({ err: error }, 'cost model could not be built from the supergraph; keeping the previous one');
          }
        },
      };
    },
    async requestDidStart() {
      return listener;
    },
  };
}

/** The demand-control capability (`cost` config section). */
export function createCostExtension(options: CostOptions): GatewayExtension {
  return { name: 'cost', plugins: [createCostPlugin(options)] };
}
