import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type StartedGateway } from '../../helpers/gateway.js';
import { mintToken, secretBytes } from '../../helpers/tokens.js';
import { createCloseStack, postGraphQL, startSubgraphs, type RunningSubgraphs } from '../../helpers/subgraphs.js';

const DELAY_MS = 400;
const closeStack = createCloseStack();
let subgraphs: RunningSubgraphs;
let gateway: StartedGateway;
// createProduct requires the products:write scope (@requiresScopes in the products schema).
const JWT_SECRET = 'fan-out-test-secret-0123456789abcdef';

beforeAll(async () => {
  subgraphs = await startSubgraphs();
  closeStack.push(subgraphs.close);
  gateway = await startGateway({ subgraphUrls: subgraphs.urls, env: { SWITCHYARD_JWT_SECRET: JWT_SECRET } });
  closeStack.push(gateway.close);
  // Warm up: the first request pays for query planning and connection setup.
  await postGraphQL(gateway.url, '{ users(first: 1) { id } topProducts(first: 1) { upc } }');
  for (const subgraph of Object.values(subgraphs.byName)) subgraph.setFaults({ delayMs: DELAY_MS });
});
afterAll(() => closeStack.drain());

async function timed(query: string, headers: Record<string, string> = {}): Promise<{ ms: number; body: any }> {
  const started = performance.now();
  const { body } = await postGraphQL(gateway.url, query, { headers });
  return { ms: performance.now() - started, body };
}

describe('fan-out', () => {
  it('runs independent fetches of one plan level concurrently: one delay, not two', async () => {
    const { ms, body } = await timed('{ users(first: 1) { id } topProducts(first: 1) { upc } }');
    expect(body.errors).toBeUndefined();
    expect(ms).toBeGreaterThanOrEqual(DELAY_MS);
    expect(ms).toBeLessThan(DELAY_MS * 1.75);
  });

  it('runs the entity fetches that depend on the same parent concurrently', async () => {
    // products, then inventory and reviews side by side: two levels, not three.
    const { ms, body } = await timed('{ topProducts(first: 2) { upc inStock reviews { id } } }');
    expect(body.errors).toBeUndefined();
    expect(ms).toBeGreaterThanOrEqual(DELAY_MS * 2);
    expect(ms).toBeLessThan(DELAY_MS * 2.75);
  });

  it('runs root mutation fields one after the other, as the spec requires', async () => {
    const token = await mintToken(secretBytes(JWT_SECRET), { sub: '1', scope: 'products:write' });
    const { ms, body } = await timed(
      `mutation {
      createProduct(input: { name: "Sequenced", price: 5, weight: 5 }) { upc }
      registerUser(input: { username: "sequenced", email: "sequenced@example.com", name: "Seq" }) { id }
    }`,
      { authorization: `Bearer ${token}` },
    );
    expect(body.errors).toBeUndefined();
    expect(ms).toBeGreaterThanOrEqual(DELAY_MS * 2);
  });
});
