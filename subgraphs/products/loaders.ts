import DataLoader from 'dataloader';
import type { Product, ProductRepository } from './data.js';

export interface ProductsLoaders {
  productByUpc: DataLoader<string, Product | null>;
}

/** Returns a factory building fresh per-request loaders over `repository`. */
export function createProductsLoaders(repository: ProductRepository): () => ProductsLoaders {
  return () => ({
    productByUpc: new DataLoader(async (upcs) => repository.findByUpcs(upcs)),
  });
}
