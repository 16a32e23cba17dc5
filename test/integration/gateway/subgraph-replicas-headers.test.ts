import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { REQUEST_LOG_LIMIT, createInventorySubgraph, createProductsSubgraph, type RunningSubgraph } from '../../../subgraphs/index.js';
import { startGateway, waitFor, type StartedGateway } from '../../helpers/gateway.js';
import { createCloseStack, postGraphQL, startSubgraphs, type RunningSubgraphs } from '../../helpers/subgraphs.js';

const closeStack = createCloseStack();
let subgraphs: RunningSubgraphs;
let spareProducts: RunningSubgraph;
let gateway: StartedGateway;

const PRODUCTS = '{ topProducts(first: 2) { upc name } }';
const INVENTORY = '{ topProducts(first: 2) { upc inStock } }';

beforeAll(async () => {
  subgraphs = await startSubgraphs();
  closeStack.push(() => Promise.allSettled(Object.values(subgraphs.byName).map((s) => s.close())).then(() => undefined));
  spareProducts = await createProductsSubgraph().listen({ port: 0, requestLogLimit: REQUEST_LOG_LIMIT });
  closeStack.push(spareProducts.close);
  gateway = await startGateway({
    subgraphUrls: subgraphs.urls,
    config: {
      subgraphs: {
        defaults: { dedup: false, retry: { baseDelayMs: 5, maxDelayMs: 20 }, breaker: { halfOpenAfterMs: 200 } },
        overrides: {
          products: { urls: [subgraphs.urls.products, spareProducts.url], ejectMs: 60_000 },
          // A per-subgraph list replaces the default one, so it names trace context again.
          accounts: { responseHeaders: ['set-cookie'], forwardHeaders: ['traceparent', 'tracestate', 'x-tenant'] },
          inventory: { maskErrors: true },
        },
      },
    },
  });
  closeStack.push(gateway.close);
});
afterAll(() => closeStack.drain());
beforeEach(() => {
  for (const subgraph of [...Object.values(subgraphs.byName), spareProducts]) {
    subgraph.setFaults({});
    subgraph.resetStats();
  }
});

describe('replicas', () => {
  it('spreads queries over the replicas round-robin', async () => {
    for (let i = 0; i < 4; i++) expect((await postGraphQL(gateway.url, PRODUCTS)).body.errors).toBeUndefined();
    expect(subgraphs.byName.products.stats.requests).toBe(2);
    expect(spareProducts.stats.requests).toBe(2);
  });

  it('ejects a failing replica and moves its traffic to the healthy one', async () => {
    subgraphs.byName.products.setFaults({ mode: 'down' });
    for (let i = 0; i < 6; i++) {
      const { body } = await postGraphQL(gateway.url, PRODUCTS);
      expect(body.errors).toBeUndefined();
    }
    expect(subgraphs.byName.products.stats.requests).toBe(1);
    expect(spareProducts.stats.requests).toBe(6);
    expect(gateway.logs.some((l) => l.msg === 'subgraph replica ejected' && l.subgraph === 'products')).toBe(true);
  });
});

describe('a subgraph killed and restarted', () => {
  it('is served again without restarting the gateway', async () => {
    const { port } = subgraphs.byName.inventory;
    await subgraphs.byName.inventory.close();
    const down = await postGraphQL(gateway.url, INVENTORY);
    expect(down.body.errors![0].extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'inventory' });

    const restarted = await createInventorySubgraph().listen({ port });
    subgraphs.byName.inventory = restarted;
    await waitFor(async () => (await postGraphQL(gateway.url, INVENTORY)).body.errors === undefined, 5_000, 'inventory to be served');
    expect(restarted.stats.requests).toBeGreaterThan(0);
  });
});

describe('headers both ways', () => {
  it('forwards traceparent to every subgraph and an allowlisted header only to the named one', async () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const { body } = await postGraphQL(gateway.url, '{ users(first: 1) { id } topProducts(first: 1) { upc } }', {
      headers: { traceparent, 'x-tenant': 'acme' },
    });
    expect(body.errors).toBeUndefined();
    const accounts = subgraphs.byName.accounts.stats.requestLog[0].headers;
    const products = [...subgraphs.byName.products.stats.requestLog, ...spareProducts.stats.requestLog][0].headers;
    expect(accounts).toMatchObject({ traceparent, 'x-tenant': 'acme', 'x-request-id': expect.any(String) });
    expect(products).toMatchObject({ traceparent });
    expect(products['x-tenant']).toBeUndefined();
  });

  it('passes Set-Cookie from accounts through, each cookie on its own line, and nothing from others', async () => {
    subgraphs.byName.accounts.setFaults({ responseHeaders: { 'set-cookie': ['session=abc; Path=/; HttpOnly', 'theme=dark; Path=/'] } });
    subgraphs.byName.reviews.setFaults({ responseHeaders: { 'set-cookie': 'leak=1' } });
    const { headers, body } = await postGraphQL(gateway.url, '{ users(first: 1) { id reviews { id } } }');
    expect(body.errors).toBeUndefined();
    expect(headers.getSetCookie()).toEqual(['session=abc; Path=/; HttpOnly', 'theme=dark; Path=/']);
  });

  it('answers with the most restrictive Cache-Control of the subgraphs involved', async () => {
    subgraphs.byName.accounts.setFaults({ responseHeaders: { 'cache-control': 'public, max-age=60' } });
    subgraphs.byName.reviews.setFaults({ responseHeaders: { 'cache-control': 'public, max-age=30' } });
    const both = await postGraphQL(gateway.url, '{ users(first: 1) { id reviews { id } } }');
    expect(both.headers.get('cache-control')).toBe('public, max-age=30');

    subgraphs.byName.reviews.setFaults({ responseHeaders: { 'cache-control': 'private, max-age=5' } });
    const personal = await postGraphQL(gateway.url, '{ users(first: 1) { id reviews { id } } }');
    expect(personal.headers.get('cache-control')).toBe('private, max-age=5');

    subgraphs.byName.reviews.setFaults({ mode: 'http500' });
    const partial = await postGraphQL(gateway.url, '{ users(first: 1) { id reviews { id } } }');
    expect(partial.body.errors).toBeDefined();
    expect(partial.headers.get('cache-control')).toBe('no-store');
  });
});

describe('subgraph error messages', () => {
  it('are masked for a subgraph configured so, keeping code, subgraph and path', async () => {
    subgraphs.byName.inventory.setFaults({ mode: 'graphqlError' });
    const { body } = await postGraphQL(gateway.url, INVENTORY);
    expect(body.errors).toHaveLength(2);
    for (const error of body.errors!) {
      expect(error.message).toBe('Subgraph "inventory" returned an error.');
      expect(error.extensions).toMatchObject({ code: 'SUBGRAPH_ERROR', subgraph: 'inventory' });
    }
  });
});
