import { getEventListeners } from 'node:events';
import { BrokenCircuitError } from 'cockatiel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../../gateway/observability/index.js';
import { createSubgraphClient, type SubgraphClient } from '../../../../gateway/subgraph-client/subgraph-client.js';
import { createCloseStack, startSubgraphs, type RunningSubgraphs } from '../../../helpers/subgraphs.js';

/**
 * A query fetch follows two signals, the caller's (client gone, request deadline) and the subgraph's
 * timeout, whichever aborts first; once the fetch settled it leaves no listener on the caller's
 * signal, which lives as long as the request and is shared by all its fetches.
 */
const closeStack = createCloseStack();
let subgraphs: RunningSubgraphs;
const BODY = JSON.stringify({ query: '{ topProducts(first: 1) { upc } }' });
const HEADERS = { 'content-type': 'application/json' };

function clientWith(timeoutMs: number, dedup: boolean, consecutiveFailures?: number): SubgraphClient {
  const client = createSubgraphClient({
    logger: createLogger({ level: 'silent' }),
    config: {
      defaults: {
        timeoutMs,
        dedup,
        retry: { maxAttempts: 1 },
        ...(consecutiveFailures ? { breaker: { consecutiveFailures, halfOpenAfterMs: 60_000 } } : {}),
      },
    },
  });
  client.register('products', subgraphs.urls.products);
  closeStack.push(() => client.close(0));
  return client;
}

beforeAll(async () => {
  subgraphs = await startSubgraphs();
  closeStack.push(subgraphs.close);
});
afterAll(() => closeStack.drain());

describe.each([true, false])('query fetch signals (dedup %s)', (dedup) => {
  it('leave no listener on the caller signal once answered, and many fetches under one signal add none', async () => {
    subgraphs.byName.products.setFaults({});
    const client = clientWith(5_000, dedup);
    const caller = new AbortController();
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => client.send({ subgraph: 'products', body: BODY, headers: HEADERS, kind: 'query', signal: caller.signal })),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
  });

  it('abort when the caller does, and then leave no listener', async () => {
    // Far longer than the test waits: only an abort can settle the fetch early.
    subgraphs.byName.products.setFaults({ delayMs: 15_000 });
    const client = clientWith(30_000, dedup);
    const caller = new AbortController();
    const pending = client.send({ subgraph: 'products', body: BODY, headers: HEADERS, kind: 'query', signal: caller.signal });
    setTimeout(() => caller.abort(new Error('client gone')), 50);
    await expect(pending).rejects.toThrow('client gone');
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
  });

  it('abort at the subgraph timeout while the caller waits on, and then leave no listener', async () => {
    subgraphs.byName.products.setFaults({ delayMs: 15_000 });
    const client = clientWith(100, dedup);
    const caller = new AbortController();
    const error = await client
      .send({ subgraph: 'products', body: BODY, headers: HEADERS, kind: 'query', signal: caller.signal })
      .catch((e: unknown) => e);
    expect((error as Error).name).toBe('TimeoutError');
    expect(caller.signal.aborted).toBe(false);
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
    subgraphs.byName.products.setFaults({});
  });

  it('count timeouts against the subgraph (they reach the call through its one signal): the breaker opens', async () => {
    subgraphs.byName.products.setFaults({ delayMs: 15_000 });
    const client = clientWith(100, dedup, 2);
    const caller = new AbortController();
    const send = () =>
      client.send({ subgraph: 'products', body: BODY, headers: HEADERS, kind: 'query', signal: caller.signal }).then(
        () => new Error('answered'),
        (e: unknown) => e as Error,
      );
    // The caller hears of the timeout at once; the attempt's failure reaches the breaker a few ticks later.
    const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
    expect((await send()).name).toBe('TimeoutError');
    await settle();
    expect((await send()).name).toBe('TimeoutError');
    await settle();
    // Open now: the next call fails at once, without waiting for the timeout.
    const started = performance.now();
    const third = await send();
    expect(third).toBeInstanceOf(BrokenCircuitError);
    expect(performance.now() - started).toBeLessThan(90);
    subgraphs.byName.products.setFaults({});
  });
});
