import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient } from 'graphql-ws';
import { getEventListeners } from 'node:events';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, waitFor, type StartedGateway } from '../../helpers/gateway.js';
import { createCloseStack, postGraphQL, startSubgraphs } from '../../helpers/subgraphs.js';
import { subscribeToSubgraph } from '../../../gateway/engine/subgraph-subscription.js';
import type { RunningSubgraphs } from '../../../subgraphs/index.js';

/**
 * Subscriptions leave nothing behind: after many subscribe → event → leave cycles over both
 * transports on both sides (client ↔ gateway, gateway ↔ subgraph), this process (gateway, subgraphs and clients all live in it) holds no more sockets,
 * timers or handles than before, and no emitter or signal collected enough listeners for Node to warn.
 */
const closeStack = createCloseStack();
let subgraphs: RunningSubgraphs;
let gateway: StartedGateway;
/** Subscribes to the subgraph over SSE (subgraphs.*.subscription.protocol), the other gateway over WebSocket. */
let sseGateway: StartedGateway;

beforeAll(async () => {
  subgraphs = await startSubgraphs();
  closeStack.push(subgraphs.close);
  gateway = await startGateway({ subgraphUrls: subgraphs.urls, config: { logging: { level: 'warn' }, rateLimit: { enabled: false } } });
  closeStack.push(gateway.close);
  sseGateway = await startGateway({
    subgraphUrls: subgraphs.urls,
    config: {
      logging: { level: 'warn' },
      rateLimit: { enabled: false },
      subgraphs: { overrides: { reviews: { subscription: { protocol: 'sse' } } } },
    },
  });
  closeStack.push(sseGateway.close);
});
afterAll(() => closeStack.drain());

let published = 0;
async function cycle(transport: 'ws' | 'sse', gateway: StartedGateway): Promise<void> {
  const body = `cycle ${++published}`;
  const events: unknown[] = [];
  let failure: unknown;
  const sink = { next: (event: unknown) => void events.push(event), error: (error: unknown) => void (failure = error), complete() {} };
  const query = 'subscription { reviewAdded { body product { name } author { username } } }';
  const client =
    transport === 'ws'
      ? createWsClient({ url: gateway.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, lazy: true })
      : createSseClient({ url: gateway.url, singleConnection: false, retryAttempts: 0 });
  client.subscribe({ query }, sink);
  await waitFor(() => subgraphs.byName.reviews.stats.subscriptions > 0, 10_000, `the ${transport} subgraph subscription`);
  const added = await postGraphQL(subgraphs.urls.reviews, `mutation { addReview(input: { productUpc: "1", body: "${body}", rating: 4 }) { id } }`, {
    headers: { 'x-user-id': '1' },
  });
  expect(added.body.errors).toBeUndefined();
  await waitFor(() => events.length > 0 || failure !== undefined, 10_000, `the ${transport} event`);
  expect(failure).toBeUndefined();
  expect(events[0]).toMatchObject({ data: { reviewAdded: { body } } });
  await client.dispose();
  await waitFor(() => subgraphs.byName.reviews.stats.subscriptions === 0, 10_000, `the ${transport} subgraph subscription to end`);
}

/** Active handles and requests of this thread's event loop, by kind. */
function resources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}
const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

describe('subscriptions leave nothing behind', () => {
  it('40 subscribe → event → leave cycles, clients and subgraphs over graphql-ws and SSE: no sockets, timers or listeners pile up', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => void warnings.push(`${warning.name}: ${warning.message} ${warning.stack}`);
    process.on('warning', onWarning);
    try {
      // Warm up: the gateway's pools to the subgraphs exist before the baseline is taken.
      const cycles = async () => {
        for (const through of [gateway, sseGateway]) {
          await cycle('ws', through);
          await cycle('sse', through);
        }
      };
      await cycles();
      const before = resources();
      for (let i = 0; i < 10; i++) await cycles();
      // Each cycle opened at least four sockets (client ↔ gateway, gateway ↔ subgraph): a leak of one
      // per cycle would be 40 more. Pooled keep-alive sockets may come and go, hence the small slack.
      const settled = await waitFor(() => total(resources()) <= total(before) + 4, 5_000, 'the handles to settle').then(
        () => true,
        () => false,
      );
      expect(settled, `before ${JSON.stringify(before)}, after ${JSON.stringify(resources())}`).toBe(true);
      expect(warnings.filter((w) => w.startsWith('MaxListenersExceededWarning'))).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  }, 120_000);

  it('a subgraph subscription that ends takes its listener off the shared shutdown signal', async () => {
    // Every subscription listens to the gateway's one stop signal; one that ended and stayed on it
    // would be kept alive (its socket client, its queue) until shutdown.
    const stop = new AbortController();
    const open = () =>
      subscribeToSubgraph(
        { protocol: 'graphql-ws', url: subgraphs.urls.reviews, headers: {} },
        { query: 'subscription { reviewAdded { body } }' },
        { stop: stop.signal },
        10,
      );
    const streams = [open(), open(), open()];
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(3);
    await waitFor(() => subgraphs.byName.reviews.stats.subscriptions === 3, 10_000, 'the subgraph subscriptions');
    await Promise.all(streams.map((stream) => stream.return!()));
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(0);
    await waitFor(() => subgraphs.byName.reviews.stats.subscriptions === 0, 10_000, 'the subgraph subscriptions to end');
    expect(stop.signal.aborted).toBe(false);
  });
});
