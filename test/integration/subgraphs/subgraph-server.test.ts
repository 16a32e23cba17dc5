import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningSubgraphs } from '../../../subgraphs/index.js';
import { createCloseStack, postGraphQL, startSubgraphs } from '../../helpers/subgraphs.js';

const stack = createCloseStack();
let all: RunningSubgraphs;

beforeAll(async () => {
  all = await startSubgraphs({ inventory: { faults: { mode: 'graphqlError' } } });
  stack.push(() => all.close());
});
afterAll(() => stack.drain());

const QUERY = '{ topProducts(first: 1) { upc } }';

describe('startSubgraphs', () => {
  it('starts all four on distinct ephemeral ports and applies overrides', async () => {
    expect(Object.keys(all.urls).sort()).toEqual(['accounts', 'inventory', 'products', 'reviews']);
    expect(new Set(Object.values(all.byName).map((s) => s.port)).size).toBe(4);
    for (const url of Object.values(all.urls)) expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
    const { body } = await postGraphQL(all.urls.inventory, '{ _service { sdl } }');
    expect(body).toEqual({ data: null, errors: [{ message: 'inventory failed', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
  });
});

describe('subgraph server HTTP', () => {
  beforeEach(() => {
    all.byName.products.setFaults({});
    all.byName.products.resetStats();
  });

  it('counts requests and logs bodies and headers', async () => {
    await postGraphQL(all.urls.products, QUERY, { headers: { 'x-request-id': 'req-1' } });
    await postGraphQL(all.urls.products, QUERY);
    const { stats } = all.byName.products;
    expect(stats.requests).toBe(2);
    expect(stats.requestLog[0]).toMatchObject({ body: { query: QUERY }, headers: { 'x-request-id': 'req-1' } });
    all.byName.products.resetStats();
    expect(stats).toEqual({ requests: 0, abandoned: 0, requestLog: [], subscriptions: 0, subscriptionsOpened: 0 });
  });

  it('answers GET queries and refuses mutations over GET', async () => {
    const base = all.urls.products;
    const get = await fetch(`${base}?query=${encodeURIComponent(QUERY)}`);
    expect(await get.json()).toEqual({ data: { topProducts: [{ upc: '1' }] } });
    const mutation = 'mutation { createProduct(input: { name: "x", price: 1, weight: 1 }) { upc } }';
    const refused = await fetch(`${base}?query=${encodeURIComponent(mutation)}`);
    expect(refused.status).toBe(405);
  });

  it('rejects malformed requests with 400', async () => {
    const res = await fetch(all.urls.products, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
    expect(res.status).toBe(400);
    const invalid = await fetch(all.urls.products, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({ query: '{ nope }' }),
    });
    expect(invalid.status).toBe(400);
  });
});

describe('subgraph faults', () => {
  beforeEach(() => {
    all.byName.products.setFaults({});
    all.byName.products.resetStats();
  });

  it('delayMs delays the response', async () => {
    all.byName.products.setFaults({ delayMs: 60 });
    const started = performance.now();
    const { body } = await postGraphQL(all.urls.products, QUERY);
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
    expect(body.data).toEqual({ topProducts: [{ upc: '1' }] });
  });

  it('down destroys the socket without answering', async () => {
    all.byName.products.setFaults({ mode: 'down' });
    await expect(postGraphQL(all.urls.products, QUERY)).rejects.toThrow();
    expect(all.byName.products.stats.requests).toBe(1);
  });

  it('http500 answers 500 with a non-GraphQL body', async () => {
    all.byName.products.setFaults({ mode: 'http500' });
    const res = await fetch(all.urls.products, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: QUERY }),
    });
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toBe('text/plain');
    const text = await res.text();
    expect(text).toBe('products: internal server error');
    expect(() => JSON.parse(text)).toThrow();
  });

  it('graphqlError answers 200 with a coded error', async () => {
    all.byName.products.setFaults({ mode: 'graphqlError' });
    const { status, body } = await postGraphQL(all.urls.products, QUERY);
    expect(status).toBe(200);
    expect(body).toEqual({ data: null, errors: [{ message: 'products failed', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
  });

  it('failFirst answers 503 with Retry-After, then recovers', async () => {
    all.byName.products.setFaults({ failFirst: 2, retryAfterSeconds: 3 });
    const send = () =>
      fetch(all.urls.products, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: QUERY }) });
    const first = await send();
    const second = await send();
    const third = await send();
    expect([first.status, second.status, third.status]).toEqual([503, 503, 200]);
    expect(first.headers.get('retry-after')).toBe('3');
    expect(await third.json()).toEqual({ data: { topProducts: [{ upc: '1' }] } });
    expect(all.byName.products.stats.requests).toBe(3);
  });
});

describe('memoizeResponses (benchmarks only)', () => {
  it('replays the answer to a query body it has seen, and never replays a mutation', async () => {
    const { createReviewsSubgraph } = await import('../../../subgraphs/index.js');
    const running = await createReviewsSubgraph().listen({ memoizeResponses: 10 });
    try {
      const post = (query: string) =>
        fetch(running.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-user-id': '1' },
          body: JSON.stringify({ query }),
        }).then((r) => r.json() as Promise<{ data?: any; errors?: unknown }>);
      // Newest review of product 1: changes once a review is added.
      const newest = (space = '') =>
        `{ _entities(representations: [{ __typename: "Product", upc: "1" }]) { ... on Product {${space} reviews(first: 1) { id } } } }`;
      const before = await post(newest());
      const mutation = 'mutation { addReview(input: { productUpc: "1", body: "memo", rating: 5 }) { id } }';
      const added = await post(mutation);
      const again = await post(mutation);
      expect(again.data.addReview.id).not.toBe(added.data.addReview.id);
      expect(await post(newest())).toEqual(before);
      const fresh = await post(newest(' '));
      expect(fresh.data._entities[0].reviews[0].id).toBe(again.data.addReview.id);
    } finally {
      await running.close();
    }
  });
});
