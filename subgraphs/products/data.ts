import { createPrng, pick, randomInt } from '../shared/prng.js';
import { createRepositoryStats, type RepositoryStats } from '../shared/types.js';

export interface Product {
  upc: string;
  name: string;
  price: number;
  weight: number;
}

export const PRODUCT_COUNT = 500;
const SEED = 0x5eed0002;
const ADJECTIVES = ['Ergonomic', 'Rustic', 'Sleek', 'Refined', 'Handmade', 'Durable', 'Compact', 'Vintage', 'Smart', 'Classic'];
const MATERIALS = ['Steel', 'Wooden', 'Cotton', 'Granite', 'Rubber', 'Plastic', 'Bronze', 'Linen', 'Marble', 'Concrete'];
const NOUNS = ['Chair', 'Table', 'Lamp', 'Keyboard', 'Kettle', 'Backpack', 'Bicycle', 'Clock', 'Shelf', 'Teapot'];

/** Products with upcs "1".."count", seeded names, price 1..2000, weight 1..100. Same output on every call. */
export function generateProducts(count = PRODUCT_COUNT, seed = SEED): Product[] {
  const next = createPrng(seed);
  const products: Product[] = [];
  for (let i = 1; i <= count; i++) {
    products.push({
      upc: String(i),
      name: `${pick(next, ADJECTIVES)} ${pick(next, MATERIALS)} ${pick(next, NOUNS)}`,
      price: randomInt(next, 1, 2000),
      weight: randomInt(next, 1, 100),
    });
  }
  return products;
}

export interface ProductRepository {
  stats: RepositoryStats;
  /** One call per DataLoader batch; results are in key order, `null` for unknown upcs. */
  findByUpcs(upcs: readonly string[]): Array<Product | null>;
  /** Products in upc order ("top" is the seeded catalogue order). */
  list(first: number): Product[];
  has(upc: string): boolean;
  /** Next free numeric upc. */
  nextUpc(): string;
  insert(product: Product): Product;
}

export function createProductRepository(products: Product[] = generateProducts()): ProductRepository {
  const byUpc = new Map(products.map((p) => [p.upc, p]));
  const stats = createRepositoryStats();
  let lastNumericUpc = products.reduce((max, p) => Math.max(max, Number(p.upc) || 0), 0);
  return {
    stats,
    findByUpcs(upcs) {
      stats.batchLoads++;
      stats.keysLoaded += upcs.length;
      return upcs.map((upc) => byUpc.get(upc) ?? null);
    },
    list(first) {
      return [...byUpc.values()].slice(0, first);
    },
    has: (upc) => byUpc.has(upc),
    nextUpc() {
      while (byUpc.has(String(lastNumericUpc + 1))) lastNumericUpc++;
      return String(lastNumericUpc + 1);
    },
    insert(product) {
      byUpc.set(product.upc, product);
      const numeric = Number(product.upc);
      if (Number.isInteger(numeric) && numeric > lastNumericUpc) lastNumericUpc = numeric;
      return product;
    },
  };
}
