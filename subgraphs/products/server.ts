import { createSubgraphServer } from '../shared/create-subgraph-server.js';
import { loadTypeDefs } from '../shared/load-type-defs.js';
import type { SubgraphFaults, SubgraphServer } from '../shared/types.js';
import { createProductRepository, type ProductRepository } from './data.js';
import { createProductsLoaders } from './loaders.js';
import { DEFAULT_PAGE_SIZE } from './page-size.js';
import { createProductsResolvers } from './resolvers.js';

export interface ProductsSubgraphOptions {
  faults?: SubgraphFaults;
  /** Defaults to a fresh seeded repository, so every instance starts from the same data. */
  repository?: ProductRepository;
}

export interface ProductsSubgraph extends SubgraphServer {
  repository: ProductRepository;
}

export const PRODUCTS_TYPE_DEFS = loadTypeDefs(new URL('./schema.graphql', import.meta.url), {
  'Query.topProducts.first': DEFAULT_PAGE_SIZE.topProducts,
});

export function createProductsSubgraph(options: ProductsSubgraphOptions = {}): ProductsSubgraph {
  const repository = options.repository ?? createProductRepository();
  const server = createSubgraphServer({
    name: 'products',
    typeDefs: PRODUCTS_TYPE_DEFS,
    resolvers: createProductsResolvers(repository),
    createLoaders: createProductsLoaders(repository),
    faults: options.faults,
  });
  return { ...server, repository };
}
