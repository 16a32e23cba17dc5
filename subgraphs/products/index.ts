export { createProductsSubgraph, PRODUCTS_TYPE_DEFS } from './server.js';
export type { ProductsSubgraph, ProductsSubgraphOptions } from './server.js';
export { DEFAULT_PAGE_SIZE } from './page-size.js';
export { PRODUCT_COUNT, generateProducts, createProductRepository } from './data.js';
export type { Product, ProductRepository } from './data.js';
export { validateCreateProductInput } from './validation.js';
export type { CreateProductInput } from './validation.js';
