import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGateway, type StartedGateway } from '../../helpers/gateway.js';
import { createCloseStack, postGraphQL, startSubgraphs, type RunningSubgraphs } from '../../helpers/subgraphs.js';

const closeStack = createCloseStack();
let subgraphs: RunningSubgraphs;
let gateway: StartedGateway;
const QUERY = '{ topProducts(first: 3) { upc name inStock } }';

beforeAll(async () => {
  subgraphs = await startSubgraphs();
  closeStack.push(subgraphs.close);
  gateway = await startGateway({ subgraphUrls: subgraphs.urls });
  closeStack.push(gateway.close);
});
afterAll(() => closeStack.drain());
beforeEach(() => {
  for (const subgraph of Object.values(subgraphs.byName)) subgraph.setFaults({});
});

function expectInventoryFailure(body: any, code: string): void {
  expect(body.data.topProducts).toHaveLength(3);
  for (const product of body.data.topProducts) {
    expect(typeof product.name).toBe('string');
    expect(product.inStock).toBeNull();
  }
  expect(body.errors.map((e: any) => e.path)).toEqual([
    ['topProducts', 0, 'inStock'],
    ['topProducts', 1, 'inStock'],
    ['topProducts', 2, 'inStock'],
  ]);
  for (const error of body.errors) {
    expect(error.extensions).toMatchObject({ code, subgraph: 'inventory' });
    expect(JSON.stringify(error)).not.toMatch(/127\.0\.0\.1|stacktrace|ECONN/);
  }
}

describe('partial failure: one subgraph fails, the others still answer', () => {
  it('a subgraph that is down gives SUBGRAPH_UNAVAILABLE at its paths, status 200', async () => {
    subgraphs.byName.inventory.setFaults({ mode: 'down' });
    const { status, body } = await postGraphQL(gateway.url, QUERY);
    expect(status).toBe(200);
    expectInventoryFailure(body, 'SUBGRAPH_UNAVAILABLE');
  });

  it('a subgraph that is not listening at all gives SUBGRAPH_UNAVAILABLE', async () => {
    const local = await startSubgraphs();
    const urls = { ...local.urls };
    await local.byName.inventory.close();
    const lonely = await startGateway({ subgraphUrls: urls });
    try {
      const { status, body } = await postGraphQL(lonely.url, QUERY);
      expect(status).toBe(200);
      expectInventoryFailure(body, 'SUBGRAPH_UNAVAILABLE');
    } finally {
      await lonely.close();
      for (const name of ['accounts', 'products', 'reviews'] as const) await local.byName[name].close();
    }
  });

  it('a subgraph answering HTTP 500 gives SUBGRAPH_ERROR with the status', async () => {
    subgraphs.byName.inventory.setFaults({ mode: 'http500' });
    const { status, body } = await postGraphQL(gateway.url, QUERY);
    expect(status).toBe(200);
    expectInventoryFailure(body, 'SUBGRAPH_ERROR');
    expect(body.errors![0].extensions).toMatchObject({ httpStatus: 500 });
  });

  it('a subgraph answering GraphQL errors gives SUBGRAPH_ERROR at its paths', async () => {
    subgraphs.byName.inventory.setFaults({ mode: 'graphqlError' });
    const { status, body } = await postGraphQL(gateway.url, QUERY);
    expect(status).toBe(200);
    expectInventoryFailure(body, 'SUBGRAPH_ERROR');
    expect(body.errors![0].message).toBe('inventory failed');
  });

  it('a failing root subgraph nulls its root field and keeps the others', async () => {
    subgraphs.byName.accounts.setFaults({ mode: 'down' });
    const { status, body } = await postGraphQL(gateway.url, '{ users(first: 2) { id } topProducts(first: 2) { upc } }');
    expect(status).toBe(200);
    expect(body.data).toEqual({ users: null, topProducts: [{ upc: expect.any(String) }, { upc: expect.any(String) }] });
    expect(body.errors).toEqual([
      expect.objectContaining({ path: ['users'], extensions: expect.objectContaining({ code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'accounts' }) }),
    ]);
  });
});
