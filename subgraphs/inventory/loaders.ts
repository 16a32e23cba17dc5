import DataLoader from 'dataloader';
import type { InventoryRepository, StockLevel } from './data.js';

export interface InventoryLoaders {
  stockByUpc: DataLoader<string, StockLevel>;
}

/** Returns a factory building fresh per-request loaders over `repository`. */
export function createInventoryLoaders(repository: InventoryRepository): () => InventoryLoaders {
  return () => ({
    stockByUpc: new DataLoader(async (upcs) => repository.findStockByUpcs(upcs)),
  });
}
