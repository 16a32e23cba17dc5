/** The public federation gateway benchmark's heavy query: four levels deep across all four subgraphs. */
export const HEAVY_QUERY = `fragment User on User { id username name }
fragment Review on Review { id body }
fragment Product on Product { inStock name price shippingEstimate upc weight }
query TestQuery {
  users { ...User reviews { ...Review product { ...Product reviews { ...Review author { ...User reviews { ...Review product { ...Product } } } } } } }
  topProducts { ...Product reviews { ...Review author { ...User reviews { ...Review product { ...Product } } } } }
}`;

/** The POST body every benchmark request sends (serialised once). */
export const HEAVY_QUERY_BODY = JSON.stringify({ query: HEAVY_QUERY, operationName: 'TestQuery' });
