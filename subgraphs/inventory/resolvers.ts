import type { SubgraphResolvers } from '../shared/types.js';
import { shippingEstimate } from './data.js';
import type { InventoryLoaders } from './loaders.js';

interface ProductRepresentation {
  upc: string;
  /** Present when the gateway resolves `shippingEstimate` (`@requires(fields: "price weight")`). */
  price?: number;
  weight?: number;
}

export function createInventoryResolvers(): SubgraphResolvers<InventoryLoaders> {
  return {
    Product: {
      __resolveReference: async (ref: ProductRepresentation, { loaders }) => {
        const stock = await loaders.stockByUpc.load(ref.upc);
        return { ...ref, inStock: stock.inStock };
      },
      shippingEstimate: (product: ProductRepresentation) =>
        product.price === undefined || product.weight === undefined ? null : shippingEstimate(product.price, product.weight),
    },
  };
}
