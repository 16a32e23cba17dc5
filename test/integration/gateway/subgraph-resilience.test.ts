import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGateway, waitFor, type StartedGateway } from '../../helpers/gateway.js';
import { mintToken, secretBytes } from '../../helpers/tokens.js';
import { createCloseStack, postGraphQL, startSubgraphs, type RunningSubgraphs } from '../../helpers/subgraphs.js';

// One gateway, tuned per subgraph so each test's fault stays on "its" subgraph:
// products → retries, dedup; inventory → breaker; reviews → timeout; accounts → bulkhead.
// Long enough that a busy host cannot reach the half-open probe before the fail-fast check.
const HALF_OPEN_MS = 1_500;
const closeStack = createCloseStack();
let subgraphs: RunningSubgraphs;
let gateway: StartedGateway;

const PRODUCTS = '{ topProducts(first: 3) { upc name } }';
const INVENTORY = '{ topProducts(first: 2) { upc inStock } }';
const JWT_SECRET = 'resilience-test-secret-0123456789abcdef';
const CREATE = 'mutation { createProduct(input: { name: "Lamp", price: 10, weight: 1 }) { name } }';

beforeAll(async () => {
  subgraphs = await startSubgraphs();
  closeStack.push(subgraphs.close);
  gateway = await startGateway({
    subgraphUrls: subgraphs.urls,
    env: { SWITCHYARD_JWT_SECRET: JWT_SECRET },
    config: {
      subgraphs: {
        defaults: { retry: { baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 1_500 } },
        overrides: {
          products: { forwardHeaders: ['x-tenant'] },
          inventory: { retry: { maxAttempts: 1 }, breaker: { consecutiveFailures: 3, halfOpenAfterMs: HALF_OPEN_MS } },
          reviews: { timeoutMs: 300 },
          accounts: { bulkhead: { maxConcurrent: 1, maxQueue: 0 } },
        },
      },
    },
  });
  closeStack.push(gateway.close);
  await postGraphQL(gateway.url, '{ topProducts(first: 1) { upc inStock reviews { id } } }');
});
afterAll(() => closeStack.drain());
beforeEach(() => {
  for (const subgraph of Object.values(subgraphs.byName)) {
    subgraph.setFaults({});
    subgraph.resetStats();
  }
});

describe('retries (queries only)', () => {
  it('a flaky subgraph (first call 503) still answers a query, through one retry', async () => {
    subgraphs.byName.products.setFaults({ failFirst: 1 });
    const { status, body } = await postGraphQL(gateway.url, PRODUCTS);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data!.topProducts).toHaveLength(3);
    expect(subgraphs.byName.products.stats.requests).toBe(2);
  });

  it('the same fault on a mutation is not retried and is reported at its path', async () => {
    subgraphs.byName.products.setFaults({ failFirst: 1 });
    const writer = { authorization: `Bearer ${await mintToken(secretBytes(JWT_SECRET), { sub: '1', scope: 'products:write' })}` };
    const { status, body } = await postGraphQL(gateway.url, CREATE, { headers: writer });
    expect(status).toBe(200);
    expect(body.errors).toEqual([
      expect.objectContaining({
        path: ['createProduct'],
        extensions: expect.objectContaining({ code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'products', httpStatus: 503 }),
      }),
    ]);
    expect(subgraphs.byName.products.stats.requests).toBe(1);
  });

  it('honours Retry-After on 503, and gives up at once when it asks for longer than the cap', async () => {
    subgraphs.byName.products.setFaults({ failFirst: 1, retryAfterSeconds: 1 });
    const started = performance.now();
    const ok = await postGraphQL(gateway.url, PRODUCTS);
    expect(ok.body.errors).toBeUndefined();
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(subgraphs.byName.products.stats.requests).toBe(2);

    subgraphs.byName.products.setFaults({ failFirst: 1, retryAfterSeconds: 30 });
    subgraphs.byName.products.resetStats();
    const refused = await postGraphQL(gateway.url, PRODUCTS);
    expect(refused.body.errors![0].extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', httpStatus: 503 });
    expect(subgraphs.byName.products.stats.requests).toBe(1);
  });
});

describe('circuit breaker', () => {
  it('opens after N failures, then fails fast without connecting, and closes once the subgraph is back', async () => {
    const inventory = subgraphs.byName.inventory;
    inventory.setFaults({ mode: 'down' });
    for (let i = 0; i < 3; i++) {
      const { body } = await postGraphQL(gateway.url, INVENTORY);
      expect(body.errors![0].extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'inventory' });
    }
    expect(inventory.stats.requests).toBe(3);
    await waitFor(() => gateway.logs.some((l) => l.msg === 'subgraph circuit opened: failing fast' && l.subgraph === 'inventory'));

    const started = performance.now();
    const { status, body } = await postGraphQL(gateway.url, INVENTORY);
    const elapsed = performance.now() - started;
    expect(status).toBe(200);
    expect(body.data!.topProducts.map((p: any) => p.inStock)).toEqual([null, null]);
    expect(body.errors![0].message).toBe('Subgraph "inventory" is unavailable (circuit open after repeated failures).');
    expect(inventory.stats.requests).toBe(3); // no connection attempt while open
    expect(elapsed).toBeLessThan(HALF_OPEN_MS);

    inventory.setFaults({});
    await waitFor(async () => (await postGraphQL(gateway.url, INVENTORY)).body.errors === undefined, 5_000, 'the breaker to close');
    const states = gateway.logs.filter((l) => l.subgraph === 'inventory' && l.state).map((l) => l.state);
    expect(states).toEqual(expect.arrayContaining(['open', 'halfopen', 'closed']));
  });
});

describe('timeout', () => {
  it('a slow subgraph gets SUBGRAPH_TIMEOUT at its paths while the others’ data arrives', async () => {
    subgraphs.byName.reviews.setFaults({ delayMs: 2_000 });
    const started = performance.now();
    const { status, body } = await postGraphQL(gateway.url, '{ topProducts(first: 2) { upc name reviews { id } } }');
    expect(performance.now() - started).toBeLessThan(1_500);
    expect(status).toBe(200);
    expect(body.data!.topProducts).toEqual([
      { upc: expect.any(String), name: expect.any(String), reviews: null },
      { upc: expect.any(String), name: expect.any(String), reviews: null },
    ]);
    expect(body.errors!.map((e) => [e.extensions!.code, (e as any).path])).toEqual([
      ['SUBGRAPH_TIMEOUT', ['topProducts', 0, 'reviews']],
      ['SUBGRAPH_TIMEOUT', ['topProducts', 1, 'reviews']],
    ]);
  });
});

describe('in-flight deduplication', () => {
  it('50 identical concurrent queries make one request at the subgraph', async () => {
    // Long enough for all 50 to reach the fetch while the first is held, even on a busy 2-core host.
    subgraphs.byName.products.setFaults({ delayMs: 1_500 });
    const answers = await Promise.all(Array.from({ length: 50 }, () => postGraphQL(gateway.url, PRODUCTS)));
    for (const answer of answers) expect(answer.body).toEqual(answers[0].body);
    expect(answers[0].body.data!.topProducts).toHaveLength(3);
    expect(subgraphs.byName.products.stats.requests).toBe(1);
  });

  it('does not share between callers whose forwarded headers differ', async () => {
    subgraphs.byName.products.setFaults({ delayMs: 1_000 });
    await Promise.all(['1', '2', '1'].map((tenant) => postGraphQL(gateway.url, PRODUCTS, { headers: { 'x-tenant': tenant } })));
    expect(subgraphs.byName.products.stats.requests).toBe(2);
  });

  it('does not share between callers whose verified identity differs', async () => {
    subgraphs.byName.products.setFaults({ delayMs: 1_000 });
    const tokens = await Promise.all(['1', '2', '1'].map((sub) => mintToken(secretBytes(JWT_SECRET), { sub })));
    await Promise.all(tokens.map((token) => postGraphQL(gateway.url, PRODUCTS, { headers: { authorization: `Bearer ${token}` } })));
    expect(subgraphs.byName.products.stats.requests).toBe(2);
  });

  it('never shares mutations', async () => {
    subgraphs.byName.products.setFaults({ delayMs: 200 });
    const writer = { authorization: `Bearer ${await mintToken(secretBytes(JWT_SECRET), { sub: '1', scope: 'products:write' })}` };
    const answers = await Promise.all([postGraphQL(gateway.url, CREATE, { headers: writer }), postGraphQL(gateway.url, CREATE, { headers: writer })]);
    for (const answer of answers) expect(answer.body.errors).toBeUndefined();
    expect(subgraphs.byName.products.stats.requests).toBe(2);
  });
});

describe('bulkhead', () => {
  it('a subgraph at its concurrency cap with a full queue fails the overflow at once', async () => {
    subgraphs.byName.accounts.setFaults({ delayMs: 1_000 });
    const [first, second] = await Promise.all([
      postGraphQL(gateway.url, '{ users(first: 1) { id } }'),
      postGraphQL(gateway.url, '{ users(first: 2) { id } }'),
    ]);
    const outcomes = [first, second].map((answer) => answer.body.errors?.[0]?.message ?? 'ok').sort();
    expect(outcomes).toEqual(['Subgraph "accounts" is unavailable (too many requests in flight).', 'ok']);
    expect(subgraphs.byName.accounts.stats.requests).toBe(1);
  });
});
