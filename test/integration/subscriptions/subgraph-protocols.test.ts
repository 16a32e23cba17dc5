import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../gateway/config/index.js';
import { startAllSubgraphs, type RunningSubgraphs } from '../../../subgraphs/index.js';
import { createReviewsSubgraph } from '../../../subgraphs/reviews/index.js';
import { startGateway, waitFor, type StartedGateway } from '../../helpers/gateway.js';
import { createCloseStack, postGraphQL } from '../../helpers/subgraphs.js';
import { mintToken, secretBytes } from '../../helpers/tokens.js';

/**
 * `subgraphs.*.subscription`: how the gateway subscribes to the subgraph that owns a Subscription
 * field — over GraphQL over WebSocket (the default) or over SSE, at the routing URL with another
 * path, or at a URL of its own. The example subgraphs serve both protocols on /graphql and require
 * signed requests here, so every subgraph subscription is signed too.
 */
const SIGNING_SECRET = 'subscription-protocols-signing-secret-0123456789';
const JWT_SECRET = 'subscription-protocols-jwt-secret-0123456789abcdef';
const env = { SWITCHYARD_JWT_SECRET: JWT_SECRET, SWITCHYARD_SUBGRAPH_SECRET: SIGNING_SECRET };
const closeStack = createCloseStack();
let subgraphs: RunningSubgraphs;
let token: string;

beforeAll(async () => {
  subgraphs = await startAllSubgraphs({ ports: { accounts: 0, products: 0, inventory: 0, reviews: 0 }, signingSecret: SIGNING_SECRET });
  closeStack.push(subgraphs.close);
  token = await mintToken(secretBytes(JWT_SECRET), { sub: '5' });
});
afterAll(() => closeStack.drain());

async function gatewayWith(subscription: Record<string, unknown>, reviewsRoutingUrl = subgraphs.urls.reviews): Promise<StartedGateway> {
  const gateway = await startGateway({
    subgraphUrls: { ...subgraphs.urls, reviews: reviewsRoutingUrl },
    config: { logging: { level: 'warn' }, rateLimit: { enabled: false }, subgraphs: { overrides: { reviews: { subscription } } } },
    env,
  });
  closeStack.push(gateway.close);
  return gateway;
}

function connect(gateway: StartedGateway): Client {
  const client = createClient({
    url: gateway.url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    lazy: true,
  });
  closeStack.push(async () => void (await client.dispose()));
  return client;
}

/** Subscribes through `gateway`, adds a review through `publisher`, and returns the first event. */
async function firstEvent(gateway: StartedGateway, publisher: StartedGateway, body: string) {
  const events: unknown[] = [];
  let failure: unknown;
  const before = subgraphs.byName.reviews.stats.subscriptions;
  const unsubscribe = connect(gateway).subscribe(
    { query: 'subscription { reviewAdded { body product { name } author { username } } }' },
    { next: (event) => void events.push(event), error: (error) => void (failure = error), complete: () => {} },
  );
  await waitFor(
    () => subgraphs.byName.reviews.stats.subscriptions > before || failure !== undefined || events.length > 0,
    10_000,
    'the subgraph subscription',
  );
  if (events.length === 0 && failure === undefined) {
    const added = await postGraphQL(publisher.url, `mutation { addReview(input: { productUpc: "2", body: "${body}", rating: 4 }) { id } }`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(added.body.errors).toBeUndefined();
    await waitFor(() => events.length > 0 || failure !== undefined, 10_000, 'an event');
  }
  unsubscribe();
  await waitFor(() => subgraphs.byName.reviews.stats.subscriptions === before, 10_000, 'the subgraph subscription to end');
  return { event: events[0] as { data?: any; errors?: Array<{ extensions?: Record<string, unknown> }> } | undefined, failure };
}

const expected = (body: string) => ({ data: { reviewAdded: { body, product: { name: expect.any(String) }, author: { username: 'user5' } } } });

describe('subgraph subscription protocols and addresses', () => {
  it('protocol: sse subscribes over GraphQL over SSE, signed over the body it sends, with the caller identity', async () => {
    const gateway = await gatewayWith({ protocol: 'sse' });
    const { event, failure } = await firstEvent(gateway, gateway, 'over sse');
    expect(failure).toBeUndefined();
    expect(event).toEqual(expected('over sse'));
  });

  it('path replaces the routing URL path; without it the same graph ends the subscription with SUBGRAPH_UNAVAILABLE', async () => {
    // Queries go to the routing URL, which serves nothing here; subscriptions go to its /graphql.
    const elsewhere = subgraphs.urls.reviews.replace(/\/graphql$/, '/elsewhere');
    const publisher = await gatewayWith({});
    for (const protocol of ['graphql-ws', 'sse']) {
      const routed = await gatewayWith({ protocol, path: '/graphql' }, elsewhere);
      const { event, failure } = await firstEvent(routed, publisher, `path ${protocol}`);
      expect(failure, protocol).toBeUndefined();
      expect(event, protocol).toEqual(expected(`path ${protocol}`));

      const unrouted = await gatewayWith({ protocol }, elsewhere);
      const refused = await firstEvent(unrouted, publisher, `no path ${protocol}`);
      expect(refused.event?.errors?.[0]?.extensions, protocol).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'reviews' });
    }
  });

  it('url names the subscription endpoint outright (ws:// or http://)', async () => {
    const elsewhere = subgraphs.urls.reviews.replace(/\/graphql$/, '/elsewhere');
    const publisher = await gatewayWith({});
    const wsUrl = subgraphs.urls.reviews.replace(/^http/, 'ws');
    const viaWs = await firstEvent(await gatewayWith({ url: wsUrl }, elsewhere), publisher, 'url ws');
    expect(viaWs.event).toEqual(expected('url ws'));
    const viaSse = await firstEvent(await gatewayWith({ protocol: 'sse', url: subgraphs.urls.reviews }, elsewhere), publisher, 'url sse');
    expect(viaSse.event).toEqual(expected('url sse'));
  });

  it('identical subscriptions share one signed subgraph subscription over either protocol; each subscriber gets the event', async () => {
    for (const protocol of ['graphql-ws', 'sse']) {
      const gateway = await gatewayWith({ protocol });
      const before = subgraphs.byName.reviews.stats.subscriptions;
      const events: unknown[][] = [[], []];
      const failures: unknown[] = [];
      const unsubscribes = events.map((received) =>
        connect(gateway).subscribe(
          { query: 'subscription { reviewAdded { body product { name } author { username } } }' },
          { next: (event) => void received.push(event), error: (error) => void failures.push(error), complete: () => {} },
        ),
      );
      await waitFor(() => subgraphs.byName.reviews.stats.subscriptions === before + 1, 10_000, `the ${protocol} subgraph subscription`);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(subgraphs.byName.reviews.stats.subscriptions, protocol).toBe(before + 1);
      const added = await postGraphQL(
        gateway.url,
        `mutation { addReview(input: { productUpc: "2", body: "shared ${protocol}", rating: 4 }) { id } }`,
        {
          headers: { authorization: `Bearer ${token}` },
        },
      );
      expect(added.body.errors).toBeUndefined();
      await waitFor(() => events.every((received) => received.length > 0) || failures.length > 0, 10_000, 'both events');
      expect(failures, protocol).toEqual([]);
      for (const received of events) expect(received, protocol).toEqual([expected(`shared ${protocol}`)]);
      expect(subgraphs.byName.reviews.stats.subscriptions, protocol).toBe(before + 1);
      for (const unsubscribe of unsubscribes) unsubscribe();
      await waitFor(() => subgraphs.byName.reviews.stats.subscriptions === before, 10_000, 'the shared subscription to end');
    }
  });

  it('protocol: sse, the subgraph restarted mid-stream: SUBGRAPH_UNAVAILABLE, then complete; subscribing again once it is back gets events', async () => {
    const gateway = await gatewayWith({ protocol: 'sse' });
    const client = connect(gateway);
    const first: { events: Array<{ errors?: Array<{ extensions?: Record<string, unknown> }> }>; completed: boolean; failure?: unknown } = {
      events: [],
      completed: false,
    };
    client.subscribe(
      { query: 'subscription { reviewAdded { body } }' },
      {
        next: (event) => void first.events.push(event as never),
        error: (error) => void (first.failure = error),
        complete: () => void (first.completed = true),
      },
    );
    await waitFor(() => subgraphs.byName.reviews.stats.subscriptions > 0, 10_000, 'the SSE subgraph subscription');
    const { port } = subgraphs.byName.reviews;
    await subgraphs.byName.reviews.close();
    await waitFor(() => first.completed || first.failure !== undefined, 10_000, 'the subscription to end');
    expect(first.failure).toBeUndefined();
    expect(first.events).toHaveLength(1);
    expect(first.events[0]!.errors?.[0]?.extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'reviews' });

    const restarted = await createReviewsSubgraph().listen({ port, signingSecret: SIGNING_SECRET });
    closeStack.push(restarted.close);
    subgraphs.byName.reviews = restarted;
    const { event, failure } = await firstEvent(gateway, gateway, 'after the restart');
    expect(failure).toBeUndefined();
    expect(event).toEqual(expected('after the restart'));
  });

  it('invalid subscription settings fail at start, naming the key', () => {
    const load = (subgraphsInput: Record<string, unknown>) => () => loadConfig({ input: { subgraphs: subgraphsInput }, env: {} });
    expect(load({ overrides: { reviews: { subscription: { protocol: 'graphql-transport-ws' } } } })).toThrow(
      /subgraphs\.overrides\.reviews\.subscription\.protocol/,
    );
    expect(load({ overrides: { reviews: { subscription: { path: '/ws', url: 'ws://localhost:4004/ws' } } } })).toThrow(
      /subgraphs\.overrides\.reviews\.subscription.*`path` or `url`, not both/,
    );
    expect(load({ overrides: { reviews: { subscription: { path: 'ws' } } } })).toThrow(/subgraphs\.overrides\.reviews\.subscription\.path/);
    expect(load({ defaults: { subscription: { url: 'ws://localhost:4004/ws' } } })).toThrow(
      /subgraphs\.defaults\.subscription\.url.*names one subgraph/,
    );
  });
});
