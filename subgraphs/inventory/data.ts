import { hashString } from '../shared/prng.js';
import { createRepositoryStats, type RepositoryStats } from '../shared/types.js';

export interface StockLevel {
  upc: string;
  inStock: boolean;
}

/** Deterministic per upc (about 80% in stock), so products created later have stock too. */
export function isInStock(upc: string): boolean {
  return hashString(`stock:${upc}`) % 5 !== 0;
}

/** Free shipping above 1000, else half the weight, rounded. */
export function shippingEstimate(price: number, weight: number): number {
  return price > 1000 ? 0 : Math.round(weight / 2);
}

export interface InventoryRepository {
  stats: RepositoryStats;
  /** One call per DataLoader batch; results are in key order. */
  findStockByUpcs(upcs: readonly string[]): StockLevel[];
}

export function createInventoryRepository(): InventoryRepository {
  const stats = createRepositoryStats();
  return {
    stats,
    findStockByUpcs(upcs) {
      stats.batchLoads++;
      stats.keysLoaded += upcs.length;
      return upcs.map((upc) => ({ upc, inStock: isInStock(upc) }));
    },
  };
}
