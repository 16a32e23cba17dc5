import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type StartedGateway } from '../../helpers/gateway.js';
import { createCloseStack, postGraphQL, startSubgraphs, type RunningSubgraphs } from '../../helpers/subgraphs.js';
import { readMetric } from '../../helpers/metrics.js';
import { mintToken, secretBytes } from '../../helpers/tokens.js';

const SECRET = 'inbound-dedup-test-secret-0123456789abcdef';
const QUERY = '{ topProducts(first: 2) { upc name inStock } }';
const closeStack = createCloseStack();
let subgraphs: RunningSubgraphs;
let gateway: StartedGateway;
let off: StartedGateway;

beforeAll(async () => {
  // products answers after 300 ms, so concurrent requests overlap; the subgraph client's own dedup is
  // off, so only inbound deduplication can spare subgraph requests.
  subgraphs = await startSubgraphs({ products: { faults: { delayMs: 300 } } });
  closeStack.push(subgraphs.close);
  const config = { subgraphs: { defaults: { dedup: false } }, logging: { level: 'warn' as const } };
  gateway = await startGateway({ subgraphUrls: subgraphs.urls, env: { SWITCHYARD_JWT_SECRET: SECRET }, config });
  closeStack.push(gateway.close);
  off = await startGateway({
    subgraphUrls: subgraphs.urls,
    env: { SWITCHYARD_JWT_SECRET: SECRET },
    config: { ...config, server: { inboundDedup: false } },
  });
  closeStack.push(off.close);
});
afterAll(() => closeStack.drain());

const sharedCount = (target: StartedGateway) => readMetric(target.url, 'switchyard_executions_shared_total');

const bearer = async (sub: string) => ({ authorization: `Bearer ${await mintToken(secretBytes(SECRET), { sub })}` });

describe('inbound deduplication: identical queries in flight share one execution', () => {
  it('five identical concurrent queries make one set of subgraph requests and get equal answers', async () => {
    const products = subgraphs.byName.products;
    products.resetStats();
    const before = await sharedCount(gateway);
    const headers = await bearer('ada');
    const answers = await Promise.all(Array.from({ length: 5 }, () => postGraphQL(gateway.url, QUERY, { headers })));
    for (const answer of answers) {
      expect(answer.body.errors).toBeUndefined();
      expect(answer.body).toEqual(answers[0]!.body);
    }
    expect(products.stats.requests).toBe(1);
    expect(await sharedCount(gateway)).toBe(before + 4);
  });

  it('callers with different identities never share', async () => {
    const products = subgraphs.byName.products;
    products.resetStats();
    const [ada, grace] = [await bearer('ada'), await bearer('grace')];
    await Promise.all([postGraphQL(gateway.url, QUERY, { headers: ada }), postGraphQL(gateway.url, QUERY, { headers: grace })]);
    expect(products.stats.requests).toBe(2);
  });

  it('different variables never share; mutations never share', async () => {
    const products = subgraphs.byName.products;
    products.resetStats();
    const query = 'query ($n: Int) { topProducts(first: $n) { upc } }';
    await Promise.all([postGraphQL(gateway.url, query, { variables: { n: 1 } }), postGraphQL(gateway.url, query, { variables: { n: 2 } })]);
    expect(products.stats.requests).toBe(2);

    const reviews = subgraphs.byName.reviews;
    reviews.resetStats();
    const mutation = 'mutation { addReview(input: { productUpc: "1", body: "twice", rating: 4 }) { id } }';
    const headers = await bearer('1');
    const [first, second] = await Promise.all([postGraphQL(gateway.url, mutation, { headers }), postGraphQL(gateway.url, mutation, { headers })]);
    expect(reviews.stats.requests).toBe(2);
    expect((first.body.data as any).addReview.id).not.toBe((second.body.data as any).addReview.id);
  });

  it('the first caller leaving does not cancel the execution the others wait for', async () => {
    const products = subgraphs.byName.products;
    products.resetStats();
    const leaving = new AbortController();
    const left = fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: QUERY }),
      signal: leaving.signal,
    }).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const staying = postGraphQL(gateway.url, QUERY);
    await new Promise((resolve) => setTimeout(resolve, 50));
    leaving.abort();
    await left;
    const answer = await staying;
    expect(answer.body.errors).toBeUndefined();
    expect((answer.body.data as any).topProducts).toHaveLength(2);
    expect(products.stats.requests).toBe(1);
    expect(products.stats.abandoned).toBe(0);
  });

  it('each caller gets its own copy: the authorization patch of one response does not reach the others', async () => {
    // Anonymous callers may not see email: each answer must carry its own UNAUTHORIZED_FIELD_OR_TYPE error.
    const query = '{ topProducts(first: 1) { upc reviews(first: 1) { author { username email } } } }';
    const answers = await Promise.all(Array.from({ length: 3 }, () => postGraphQL(gateway.url, query)));
    for (const answer of answers) {
      expect(answer.body.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHORIZED_FIELD_OR_TYPE']);
      expect(answer.body).toEqual(answers[0]!.body);
    }
  });

  it('server.inboundDedup: false executes each request', async () => {
    const products = subgraphs.byName.products;
    products.resetStats();
    await Promise.all(Array.from({ length: 3 }, () => postGraphQL(off.url, QUERY)));
    expect(products.stats.requests).toBe(3);
  });
});
