import { createSubgraphServer } from '../shared/create-subgraph-server.js';
import { loadTypeDefs } from '../shared/load-type-defs.js';
import type { SubgraphFaults, SubgraphServer } from '../shared/types.js';
import { createInventoryRepository, type InventoryRepository } from './data.js';
import { createInventoryLoaders } from './loaders.js';
import { createInventoryResolvers } from './resolvers.js';

export interface InventorySubgraphOptions {
  faults?: SubgraphFaults;
  repository?: InventoryRepository;
}

export interface InventorySubgraph extends SubgraphServer {
  repository: InventoryRepository;
}

export const INVENTORY_TYPE_DEFS = loadTypeDefs(new URL('./schema.graphql', import.meta.url));

export function createInventorySubgraph(options: InventorySubgraphOptions = {}): InventorySubgraph {
  const repository = options.repository ?? createInventoryRepository();
  const server = createSubgraphServer({
    name: 'inventory',
    typeDefs: INVENTORY_TYPE_DEFS,
    resolvers: createInventoryResolvers(),
    createLoaders: createInventoryLoaders(repository),
    faults: options.faults,
  });
  return { ...server, repository };
}
