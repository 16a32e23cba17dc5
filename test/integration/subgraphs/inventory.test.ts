import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInventorySubgraph, isInStock } from '../../../subgraphs/inventory/index.js';
import { createCloseStack, postGraphQL } from '../../helpers/subgraphs.js';

const stack = createCloseStack();
const inventory = createInventorySubgraph();
let url: string;

beforeAll(async () => {
  const running = await inventory.listen();
  stack.push(() => running.close());
  url = running.url;
});
afterAll(() => stack.drain());

const ENTITIES = 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Product { upc inStock shippingEstimate } } }';

describe('inventory subgraph', () => {
  it('serves its SDL through _service', async () => {
    const { body } = await postGraphQL(url, '{ _service { sdl } }');
    expect(body.data?._service.sdl).toContain('@requires(fields: "price weight")');
  });

  it('resolves stock and shipping from the required fields in one batch', async () => {
    const before = inventory.repository.stats.batchLoads;
    const { body } = await postGraphQL(url, ENTITIES, {
      variables: {
        r: [
          { __typename: 'Product', upc: '1', price: 500, weight: 11 },
          { __typename: 'Product', upc: '2', price: 1500, weight: 40 },
        ],
      },
    });
    expect(body.data?._entities).toEqual([
      { upc: '1', inStock: isInStock('1'), shippingEstimate: 6 },
      { upc: '2', inStock: isInStock('2'), shippingEstimate: 0 },
    ]);
    expect(inventory.repository.stats.batchLoads - before).toBe(1);
  });
});
