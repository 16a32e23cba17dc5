export { createInventorySubgraph, INVENTORY_TYPE_DEFS } from './server.js';
export type { InventorySubgraph, InventorySubgraphOptions } from './server.js';
export { createInventoryRepository, isInStock, shippingEstimate } from './data.js';
export type { InventoryRepository, StockLevel } from './data.js';
