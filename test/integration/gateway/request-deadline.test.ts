import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGateway, type StartedGateway } from '../../helpers/gateway.js';
import { createCloseStack, postGraphQL, startSubgraphs } from '../../helpers/subgraphs.js';
import type { RunningSubgraphs } from '../../../subgraphs/index.js';

/**
 * server.requestTimeoutMs: one signal per request, followed by every subgraph query fetch of the
 * request. The subgraph timeouts here are far longer (10 s default), so only the request's deadline
 * can cut the slow fetch; the client gets what arrived, and SUBGRAPH_TIMEOUT where it did not.
 */
const closeStack = createCloseStack();
let subgraphs: RunningSubgraphs;
let gateway: StartedGateway;

beforeAll(async () => {
  subgraphs = await startSubgraphs();
  closeStack.push(subgraphs.close);
  gateway = await startGateway({
    subgraphUrls: subgraphs.urls,
    config: { logging: { level: 'warn' }, rateLimit: { enabled: false }, server: { requestTimeoutMs: 400, inboundDedup: false } },
  });
  closeStack.push(gateway.close);
});
afterAll(() => closeStack.drain());
beforeEach(() => {
  for (const subgraph of Object.values(subgraphs.byName)) subgraph.setFaults({});
});

describe('the request deadline', () => {
  it('cuts the fetch still running: its paths get SUBGRAPH_TIMEOUT naming the deadline, the rest is served', async () => {
    subgraphs.byName.inventory.setFaults({ delayMs: 5_000 });
    const { status, body } = await postGraphQL(gateway.url, '{ topProducts(first: 2) { upc name inStock } }');
    expect(status).toBe(200);
    expect(body.data!.topProducts).toEqual([
      { upc: expect.any(String), name: expect.any(String), inStock: null },
      { upc: expect.any(String), name: expect.any(String), inStock: null },
    ]);
    expect(body.errors!.map((e) => [e.extensions!.code, (e as { path?: unknown }).path])).toEqual([
      ['SUBGRAPH_TIMEOUT', ['topProducts', 0, 'inStock']],
      ['SUBGRAPH_TIMEOUT', ['topProducts', 1, 'inStock']],
    ]);
    expect(body.errors![0]!.message).toBe('Subgraph "inventory" had not answered when the request\'s deadline (400 ms) passed.');
  });

  it('a mutation already sent finishes; the fetch after it, started past the deadline, is reported, not left out', async () => {
    // The mutation (accounts) outlives the deadline but is not cut; the entity fetch that follows it
    // in the plan (reviews) starts after the deadline and fails at once with SUBGRAPH_TIMEOUT.
    subgraphs.byName.accounts.setFaults({ delayMs: 700 });
    const username = `deadline${Date.now()}`;
    const { status, body } = await postGraphQL(
      gateway.url,
      `mutation { registerUser(input: { username: "${username}", email: "${username}@example.com", name: "D" }) { username reviews { body } } }`,
    );
    expect(status).toBe(200);
    expect(body.data!.registerUser.username).toBe(username);
    expect(body.errors!.map((e) => [e.extensions!.code, (e as { path?: unknown }).path])).toEqual([
      ['SUBGRAPH_TIMEOUT', ['registerUser', 'reviews']],
    ]);
  });

  it('a request within its deadline is untouched, and the deadline does not outlive it', async () => {
    const { body } = await postGraphQL(gateway.url, '{ topProducts(first: 2) { upc inStock } }');
    expect(body.errors).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const again = await postGraphQL(gateway.url, '{ topProducts(first: 2) { upc inStock } }');
    expect(again.body).toEqual(body);
  });
});
