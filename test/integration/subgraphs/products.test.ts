import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProductsSubgraph, DEFAULT_PAGE_SIZE } from '../../../subgraphs/products/index.js';
import { createCloseStack, postGraphQL } from '../../helpers/subgraphs.js';

const stack = createCloseStack();
const products = createProductsSubgraph();
let url: string;

beforeAll(async () => {
  const running = await products.listen();
  stack.push(() => running.close());
  url = running.url;
});
afterAll(() => stack.drain());

const CREATE = `mutation ($input: CreateProductInput!) { createProduct(input: $input) { upc name price weight } }`;

describe('products subgraph', () => {
  it('serves its SDL through _service', async () => {
    const { body } = await postGraphQL(url, '{ _service { sdl } }');
    expect(body.data?._service.sdl).toMatch(/type Product\s+@key\(fields: "upc"\)/);
  });

  it('answers topProducts and product', async () => {
    const { body } = await postGraphQL(
      url,
      '{ topProducts { upc } product(upc: "7") { upc name price weight } missing: product(upc: "nope") { upc } }',
    );
    expect(body.data?.topProducts).toHaveLength(DEFAULT_PAGE_SIZE.topProducts);
    expect(body.data?.product).toMatchObject({ upc: '7', name: expect.any(String), price: expect.any(Number) });
    expect(body.data?.missing).toBeNull();
  });

  it('resolves Product references with one batched lookup', async () => {
    const r = Array.from({ length: 50 }, (_, i) => ({ __typename: 'Product', upc: String(i + 1) }));
    const before = products.repository.stats.batchLoads;
    const { body } = await postGraphQL(url, 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Product { upc price } } }', {
      variables: { r },
    });
    expect(body.data?._entities).toHaveLength(50);
    expect(products.repository.stats.batchLoads - before).toBe(1);
  });

  it('creates a product and generates its upc', async () => {
    const { body } = await postGraphQL(url, CREATE, { variables: { input: { name: 'Widget', price: 100, weight: 3 } } });
    expect(body.data?.createProduct).toEqual({ upc: '501', name: 'Widget', price: 100, weight: 3 });
  });

  it.each([
    ['negative price', { name: 'A', price: -1, weight: 1 }, 'BAD_USER_INPUT'],
    ['negative weight', { name: 'A', price: 1, weight: -1 }, 'BAD_USER_INPUT'],
    ['duplicate upc', { name: 'A', price: 1, weight: 1, upc: '1' }, 'UPC_TAKEN'],
  ])('rejects %s with a coded error', async (_case, input, code) => {
    const { body } = await postGraphQL(url, CREATE, { variables: { input } });
    expect(body.errors?.[0]?.extensions?.code).toBe(code);
    expect(products.repository.nextUpc()).toBe('502');
  });
});
