import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, waitFor, type StartedGateway } from '../../helpers/gateway.js';
import { createCloseStack, startSubgraphs, type RunningSubgraphs } from '../../helpers/subgraphs.js';

const closeStack = createCloseStack();
let subgraphs: RunningSubgraphs;
let gateway: StartedGateway;

beforeAll(async () => {
  // inventory answers after 3 s: long enough for the client to leave while the fetch is in flight.
  subgraphs = await startSubgraphs({ inventory: { faults: { delayMs: 3_000 } } });
  closeStack.push(subgraphs.close);
  gateway = await startGateway({ subgraphUrls: subgraphs.urls, config: { subgraphs: { defaults: { dedup: false } } } });
  closeStack.push(gateway.close);
});
afterAll(() => closeStack.drain());

async function disconnectDuring(query: string): Promise<void> {
  const inventory = subgraphs.byName.inventory;
  inventory.resetStats();
  const controller = new AbortController();
  const pending = fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
    signal: controller.signal,
  }).catch(() => undefined);
  await waitFor(() => inventory.stats.requests > 0, 5_000, 'the inventory fetch to start');
  controller.abort();
  await pending;
}

describe('a client that disconnects cancels its in-flight subgraph query fetches', () => {
  it('the subgraph sees its request abandoned, long before it would have answered', async () => {
    const started = Date.now();
    await disconnectDuring('{ topProducts(first: 2) { upc inStock } }');
    await waitFor(() => subgraphs.byName.inventory.stats.abandoned === 1, 2_000, 'inventory to see the request abandoned');
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('cancelled fetches do not count against the subgraph: its circuit stays closed for the next callers', async () => {
    // A breaker that opens after 2 consecutive failures: 3 disconnects would open it if they counted.
    const strict = await startGateway({
      subgraphUrls: subgraphs.urls,
      config: { subgraphs: { defaults: { dedup: false, breaker: { consecutiveFailures: 2, failureRatio: 0 } } } },
    });
    closeStack.push(strict.close);
    const inventory = subgraphs.byName.inventory;
    for (let i = 0; i < 3; i++) {
      inventory.resetStats();
      const controller = new AbortController();
      const pending = fetch(strict.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ topProducts(first: 1) { upc inStock } }' }),
        signal: controller.signal,
      }).catch(() => undefined);
      await waitFor(() => inventory.stats.requests > 0, 5_000, 'the inventory fetch to start');
      controller.abort();
      await pending;
      await waitFor(() => inventory.stats.abandoned === 1, 2_000, 'inventory to see the request abandoned');
    }
    const response = await fetch(strict.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ topProducts(first: 1) { upc inStock } }' }),
    });
    const answer = (await response.json()) as { data: { topProducts: Array<{ inStock: boolean | null }> }; errors?: unknown };
    expect(answer.errors).toBeUndefined();
    expect(typeof answer.data.topProducts[0].inStock).toBe('boolean');
  });

  it('with dedup on, a shared fetch is cancelled only when every caller left', async () => {
    const shared = await startGateway({ subgraphUrls: subgraphs.urls });
    closeStack.push(shared.close);
    const inventory = subgraphs.byName.inventory;
    inventory.resetStats();
    const query = JSON.stringify({ query: '{ topProducts(first: 1) { upc inStock } }' });
    const leaving = new AbortController();
    const staying = fetch(shared.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: query });
    const left = fetch(shared.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: query, signal: leaving.signal }).catch(
      () => undefined,
    );
    await waitFor(() => inventory.stats.requests > 0, 5_000, 'the shared inventory fetch');
    leaving.abort();
    await left;
    const answer = (await (await staying).json()) as { data: { topProducts: Array<{ inStock: boolean | null }> }; errors?: unknown };
    expect(answer.errors).toBeUndefined();
    expect(typeof answer.data.topProducts[0].inStock).toBe('boolean');
    expect(inventory.stats.requests).toBe(1);
    expect(inventory.stats.abandoned).toBe(0);
  });
});
