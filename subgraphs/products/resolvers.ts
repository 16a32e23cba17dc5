import { assertPageSize } from '../shared/pagination.js';
import type { SubgraphResolvers } from '../shared/types.js';
import type { ProductRepository } from './data.js';
import type { ProductsLoaders } from './loaders.js';
import { DEFAULT_PAGE_SIZE } from './page-size.js';
import { validateCreateProductInput, type CreateProductInput } from './validation.js';

export function createProductsResolvers(repository: ProductRepository): SubgraphResolvers<ProductsLoaders> {
  return {
    Query: {
      topProducts: (_root, { first }: { first?: number | null }) => repository.list(assertPageSize(first, DEFAULT_PAGE_SIZE.topProducts)),
      product: (_root, { upc }: { upc: string }, { loaders }) => loaders.productByUpc.load(upc),
    },
    Mutation: {
      createProduct: (_root, { input }: { input: CreateProductInput }) => {
        const error = validateCreateProductInput(input, repository.has);
        if (error) throw error;
        const upc = input.upc ?? repository.nextUpc();
        return repository.insert({ upc, name: input.name, price: input.price, weight: input.weight });
      },
    },
    Product: {
      __resolveReference: (ref: { upc: string }, { loaders }) => loaders.productByUpc.load(ref.upc),
    },
  };
}
