import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, waitFor, type StartedGateway } from '../../helpers/gateway.js';
import { readMetric } from '../../helpers/metrics.js';
import { createCloseStack, postGraphQL, startSubgraphs } from '../../helpers/subgraphs.js';
import { mintToken, secretBytes } from '../../helpers/tokens.js';
import type { RunningSubgraphs } from '../../../subgraphs/index.js';

/** subscriptions.maxPerClient, the keep-alive that drops dead peers, and the subscription metrics. */
const closeStack = createCloseStack();
let subgraphs: RunningSubgraphs;
let gateway: StartedGateway;
let metricsUrl: string;

beforeAll(async () => {
  subgraphs = await startSubgraphs();
  closeStack.push(subgraphs.close);
  gateway = await startGateway({
    subgraphUrls: subgraphs.urls,
    config: { logging: { level: 'warn' }, rateLimit: { enabled: false }, subscriptions: { maxPerClient: 2, keepAliveMs: 100, deduplicate: false } },
  });
  closeStack.push(gateway.close);
  metricsUrl = gateway.url.replace('/graphql', '/metrics');
});
afterAll(() => closeStack.drain());

function connect(): Client {
  const client = createClient({ url: gateway.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
  closeStack.push(async () => void (await client.dispose()));
  return client;
}

function subscribe(client: Client) {
  const state: { failure?: unknown } = {};
  const unsubscribe = client.subscribe(
    { query: 'subscription { reviewAdded { body } }' },
    { next: () => {}, error: (error) => void (state.failure = error), complete: () => {} },
  );
  return { state, unsubscribe };
}

describe('subscription limits and metrics', () => {
  it('a client may run maxPerClient subscriptions at once; one more is refused with RATE_LIMITED, and accepted once one ends', async () => {
    const client = connect();
    const first = subscribe(client);
    const second = subscribe(client);
    await waitFor(() => subgraphs.byName.reviews.stats.subscriptions === 2, 10_000, 'two subgraph subscriptions');
    expect(await readMetric(metricsUrl, 'switchyard_subscriptions_active', { subgraph: 'reviews' })).toBe(2);

    // Another socket of the same client counts too.
    const third = subscribe(connect());
    await waitFor(() => third.state.failure !== undefined, 10_000, 'the third subscription to be refused');
    expect((third.state.failure as Array<{ extensions?: { code?: string } }>)[0]!.extensions?.code).toBe('RATE_LIMITED');

    first.unsubscribe();
    await waitFor(() => subgraphs.byName.reviews.stats.subscriptions === 1, 10_000, 'one subgraph subscription');
    const fourth = subscribe(client);
    await waitFor(() => subgraphs.byName.reviews.stats.subscriptions === 2, 10_000, 'the fourth subscription to run');
    expect(fourth.state.failure).toBeUndefined();
    second.unsubscribe();
    fourth.unsubscribe();
    await waitFor(() => subgraphs.byName.reviews.stats.subscriptions === 0, 10_000, 'no subgraph subscription');
    await waitFor(
      async () => (await readMetric(metricsUrl, 'switchyard_subscriptions_active', { subgraph: 'reviews' })) === 0,
      5_000,
      'the gauge at 0',
    );
  });

  it('a peer that stops answering pings is dropped, and its subgraph subscription ends', async () => {
    const socket = new WebSocket(gateway.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    closeStack.push(async () => socket.terminate());
    await new Promise<void>((resolve) => socket.once('open', () => resolve()));
    socket.send(JSON.stringify({ type: 'connection_init' }));
    await new Promise<void>((resolve) => socket.once('message', () => resolve()));
    socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: 'subscription { reviewAdded { body } }' } }));
    await waitFor(() => subgraphs.byName.reviews.stats.subscriptions === 1, 10_000, 'the subgraph subscription');
    // A peer gone without a close frame: nothing it receives is read, so no pong comes back.
    (socket as unknown as { _socket: { pause(): void } })._socket.pause();
    await waitFor(() => subgraphs.byName.reviews.stats.subscriptions === 0, 10_000, 'the dead peer to be dropped');
  });
});

describe('a subscription that falls behind', () => {
  const SECRET = 'slow-subscriber-secret-0123456789abcdef01234567';
  let slow: StartedGateway;
  beforeAll(async () => {
    slow = await startGateway({
      subgraphUrls: subgraphs.urls,
      config: { logging: { level: 'warn' }, rateLimit: { enabled: false }, subscriptions: { maxQueuedEvents: 2 } },
      env: { SWITCHYARD_JWT_SECRET: SECRET },
    });
    closeStack.push(slow.close);
  });

  it('more than maxQueuedEvents waiting ends it with SUBSCRIPTION_TOO_SLOW, then complete, and the subgraph subscription closes', async () => {
    const client = createClient({ url: slow.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
    closeStack.push(async () => void (await client.dispose()));
    const events: Array<{ errors?: ReadonlyArray<{ extensions?: Record<string, unknown> }> }> = [];
    let completed = false;
    client.subscribe(
      { query: 'subscription { reviewAdded { body product { name } } }' },
      { next: (event) => void events.push(event), error: () => {}, complete: () => void (completed = true) },
    );
    await waitFor(() => subgraphs.byName.reviews.stats.subscriptions === 1, 10_000, 'the subgraph subscription');
    // Each event needs a products fetch, made slow: events arrive faster than they can be handled.
    subgraphs.byName.products.setFaults({ delayMs: 300 });
    try {
      const token = await mintToken(secretBytes(SECRET), { sub: '9' });
      await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          postGraphQL(slow.url, `mutation { addReview(input: { productUpc: "1", body: "burst ${i}", rating: 2 }) { id } }`, {
            headers: { authorization: `Bearer ${token}` },
          }),
        ),
      );
      await waitFor(() => completed, 15_000, 'the subscription to end');
    } finally {
      subgraphs.byName.products.setFaults({});
    }
    const last = events.at(-1)!;
    expect(last.errors?.[0]?.extensions).toMatchObject({ code: 'SUBSCRIPTION_TOO_SLOW', subgraph: 'reviews' });
    expect(events.length).toBeLessThan(8);
    await waitFor(() => subgraphs.byName.reviews.stats.subscriptions === 0, 10_000, 'the subgraph subscription to close');
  });
});

describe('connection attempts and cost', () => {
  it('connection attempts count against the rate limit: past it the socket is closed with 4429 and the reason', async () => {
    const limited = await startGateway({
      subgraphUrls: subgraphs.urls,
      config: {
        logging: { level: 'warn' },
        rateLimit: { enabled: true, tiers: { anonymous: { points: 3, durationSeconds: 60 }, authenticated: { points: 3, durationSeconds: 60 } } },
      },
    });
    closeStack.push(limited.close);
    const attempt = () =>
      new Promise<{ code?: number; reason?: string } | 'connected'>((resolve) => {
        const client = createClient({
          url: limited.url.replace(/^http/, 'ws'),
          webSocketImpl: WebSocket,
          retryAttempts: 0,
          lazy: false,
          on: {
            connected: () => resolve('connected'),
            closed: (event) => resolve({ code: (event as { code?: number }).code, reason: (event as { reason?: string }).reason }),
          },
          onNonLazyError: () => {},
        });
        closeStack.push(async () => void (await client.dispose()));
      });
    const outcomes = [];
    for (let i = 0; i < 4; i++) outcomes.push(await attempt());
    expect(outcomes.slice(0, 3)).toEqual(['connected', 'connected', 'connected']);
    expect(outcomes[3]).toEqual({ code: 4429, reason: expect.stringMatching(/^Rate limit exceeded; retry after \d+ s\.$/) });
  });

  it('demand control applies on subscribe: a subscription over cost.maxCost is an error message and never reaches the subgraph', async () => {
    const costly = await startGateway({
      subgraphUrls: subgraphs.urls,
      config: { logging: { level: 'warn' }, rateLimit: { enabled: false }, cost: { maxCost: 2 } },
    });
    closeStack.push(costly.close);
    const client = createClient({ url: costly.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
    closeStack.push(async () => void (await client.dispose()));
    const before = subgraphs.byName.reviews.stats.subscriptionsOpened;
    const failure = await new Promise<unknown>((resolve) => {
      client.subscribe(
        { query: 'subscription { reviewAdded { body product { name } author { username } } }' },
        { next: () => resolve('an event'), error: resolve, complete: () => resolve('complete') },
      );
    });
    expect((failure as Array<{ extensions?: Record<string, unknown> }>)[0]!.extensions).toMatchObject({ code: 'COST_LIMIT_EXCEEDED', maxCost: 2 });
    expect(subgraphs.byName.reviews.stats.subscriptionsOpened).toBe(before);
  });
});
