import { createClient, type Client, type FormattedExecutionResult } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, waitFor, writeSupergraphYaml, type StartedGateway } from '../../helpers/gateway.js';
import { dirname } from 'node:path';
import { createCloseStack, postGraphQL, startSubgraphs } from '../../helpers/subgraphs.js';
import { mintToken, secretBytes } from '../../helpers/tokens.js';
import { createReviewsSubgraph } from '../../../subgraphs/reviews/index.js';
import type { RunningSubgraphs } from '../../../subgraphs/index.js';

/**
 * Subscriptions through the gateway over graphql-ws, against the real example subgraphs: the
 * reviews subgraph's `reviewAdded` is subscribed to over WebSocket, and each event's fields owned by
 * other subgraphs (product name, author) are fetched through the plan. Credentials travel in
 * connection_init; field authorization applies to events.
 */
const SECRET = 'subscriptions-test-secret-0123456789abcdef0123';
const closeStack = createCloseStack();
let subgraphs: RunningSubgraphs;
let gateway: StartedGateway;
let token: string;

beforeAll(async () => {
  subgraphs = await startSubgraphs();
  closeStack.push(subgraphs.close);
  gateway = await startGateway({
    subgraphUrls: subgraphs.urls,
    config: { logging: { level: 'warn' }, rateLimit: { enabled: false } },
    env: { SWITCHYARD_JWT_SECRET: SECRET },
  });
  closeStack.push(gateway.close);
  token = await mintToken(secretBytes(SECRET), { sub: '7' });
});
afterAll(() => closeStack.drain());

function connect(connectionParams?: Record<string, unknown>): Client {
  const client = createClient({ url: gateway.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams, retryAttempts: 0, lazy: true });
  closeStack.push(async () => void (await client.dispose()));
  return client;
}

/** Collects the events of one subscription until `count` arrived (or it ended). */
function collect(client: Client, query: string, count: number) {
  const events: FormattedExecutionResult<Record<string, any>, unknown>[] = [];
  let failure: unknown;
  let completed = false;
  const unsubscribe = client.subscribe<Record<string, any>>(
    { query },
    {
      next: (event) => void events.push(event),
      error: (error) => void (failure = error),
      complete: () => void (completed = true),
    },
  );
  return {
    events,
    unsubscribe,
    get failure() {
      return failure;
    },
    get completed() {
      return completed;
    },
    until: () => waitFor(() => events.length >= count || failure !== undefined || completed, 10_000, `${count} events`),
  };
}

const addReview = (productUpc: string, body: string) =>
  postGraphQL(gateway.url, `mutation { addReview(input: { productUpc: "${productUpc}", body: "${body}", rating: 5 }) { id } }`, {
    headers: { authorization: `Bearer ${token}` },
  });

describe('subscriptions over graphql-ws', () => {
  it('an event carries fields of three subgraphs: the review, its product (products) and author (accounts)', async () => {
    const client = connect({ authorization: `Bearer ${token}` });
    const subscription = collect(client, 'subscription { reviewAdded { body rating product { upc name } author { id username } } }', 1);
    await waitFor(() => subgraphs.byName.reviews.stats.subscriptions > 0, 10_000, 'the subgraph subscription');
    expect((await addReview('3', 'Streamed to the gateway.')).body.errors).toBeUndefined();
    await subscription.until();
    expect(subscription.failure).toBeUndefined();
    expect(subscription.events).toHaveLength(1);
    const event = subscription.events[0]!;
    expect(event.errors).toBeUndefined();
    expect(event.data!.reviewAdded).toEqual({
      body: 'Streamed to the gateway.',
      rating: 5,
      product: { upc: '3', name: expect.any(String) },
      author: { id: '7', username: expect.any(String) },
    });
    subscription.unsubscribe();
    // The subgraph subscription ends with the client's: no listener is left behind.
    await waitFor(() => subgraphs.byName.reviews.stats.subscriptions === 0, 10_000, 'the subgraph subscription to end');
  });

  it('arguments filter at the subgraph: only the product asked for arrives', async () => {
    const client = connect();
    const subscription = collect(client, 'subscription { reviewAdded(productUpc: "2") { body product { upc } } }', 1);
    await waitFor(() => subgraphs.byName.reviews.stats.subscriptions > 0, 10_000, 'the subgraph subscription');
    await addReview('1', 'not this one');
    await addReview('2', 'this one');
    await subscription.until();
    expect(subscription.events.map((event) => event.data!.reviewAdded)).toEqual([{ body: 'this one', product: { upc: '2' } }]);
    subscription.unsubscribe();
    await waitFor(() => subgraphs.byName.reviews.stats.subscriptions === 0, 10_000, 'the subgraph subscription to end');
  });

  it('field authorization applies to events: an anonymous subscriber gets null and UNAUTHORIZED_FIELD_OR_TYPE for email', async () => {
    const client = connect();
    const subscription = collect(client, 'subscription { reviewAdded { body author { username email } } }', 1);
    await waitFor(() => subgraphs.byName.reviews.stats.subscriptions > 0, 10_000, 'the subgraph subscription');
    await addReview('4', 'private author');
    await subscription.until();
    expect(subscription.failure).toBeUndefined();
    const event = subscription.events[0]!;
    expect(event.data!.reviewAdded.author).toEqual({ username: expect.any(String), email: null });
    expect(event.errors).toEqual([
      { message: 'Unauthorized field or type.', path: ['reviewAdded', 'author', 'email'], extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' } },
    ]);
    subscription.unsubscribe();
    await waitFor(() => subgraphs.byName.reviews.stats.subscriptions === 0, 10_000, 'the subgraph subscription to end');
  });

  it('a bad credential in connection_init is refused at connect (close 4403)', async () => {
    const client = connect({ authorization: 'Bearer not-a-token' });
    const subscription = collect(client, 'subscription { reviewAdded { body } }', 1);
    await subscription.until();
    expect((subscription.failure as { code?: number }).code).toBe(4403);
  });

  it('an invalid subscription document is an error message, and a query over the socket is answered once', async () => {
    const client = connect();
    const invalid = collect(client, 'subscription { reviewAdded { nope } }', 1);
    await invalid.until();
    expect(invalid.failure).toBeDefined();
    const query = collect(client, '{ topProducts(first: 1) { upc } }', 1);
    await query.until();
    await waitFor(() => query.completed, 5_000, 'the query to complete');
    expect(query.events).toHaveLength(1);
    expect(query.events[0]!.data).toEqual({ topProducts: [{ upc: expect.any(String) }] });
  });

  it('the document limits apply before Apollo: too many aliases is an OPERATION_LIMIT_EXCEEDED error message', async () => {
    const client = connect();
    const aliases = Array.from({ length: 2_000 }, (_, i) => `a${i}: body`).join(' ');
    const subscription = collect(client, `subscription { reviewAdded { ${aliases} } }`, 1);
    await subscription.until();
    expect((subscription.failure as Array<{ extensions?: { code?: string } }>)[0]!.extensions?.code).toBe('OPERATION_LIMIT_EXCEEDED');
  });

  it('a subscription sent as a plain HTTP POST gets a coded error', async () => {
    const { body } = await postGraphQL(gateway.url, 'subscription { reviewAdded { body } }');
    expect(body.errors?.[0]?.extensions?.code).toBe('UNSUPPORTED_OPERATION');
  });
});

describe('when the subgraph stream or the gateway goes away', () => {
  const stack = createCloseStack();
  let own: RunningSubgraphs;
  let ownGateway: StartedGateway;
  let stopped = false;
  beforeAll(async () => {
    own = await startSubgraphs();
    stack.push(own.close);
    ownGateway = await startGateway({ subgraphUrls: own.urls, config: { logging: { level: 'warn' }, rateLimit: { enabled: false } } });
    stack.push(() => (stopped ? Promise.resolve() : ownGateway.close()));
  });
  afterAll(() => stack.drain());

  const clientOf = (url: string) => {
    const client = createClient({ url: url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
    stack.push(async () => void (await client.dispose()));
    return client;
  };

  it('a supergraph reload leaves a running subscription on the plan it started with', async () => {
    const configPath = writeSupergraphYaml(own.urls);
    const reloading = await startGateway({
      config: {
        logging: { level: 'info' },
        rateLimit: { enabled: false },
        supergraph: { source: 'compose', configPath, pollIntervalSeconds: 0 },
      },
      env: { SWITCHYARD_JWT_SECRET: SECRET },
    });
    stack.push(reloading.close);
    const subscription = collect(clientOf(reloading.url), 'subscription { reviewAdded { body product { upc } } }', 1);
    await waitFor(() => own.byName.reviews.stats.subscriptions > 0, 10_000, 'the subgraph subscription');
    // A changed routing URL (same server, a query string added) is a new supergraph.
    writeSupergraphYaml({ ...own.urls, products: `${own.urls.products}?reloaded=1` }, dirname(configPath));
    await waitFor(() => reloading.logs.some((line) => line.msg === 'supergraph reloaded'), 10_000, 'the reload');
    const token2 = await mintToken(secretBytes(SECRET), { sub: '8' });
    const added = await postGraphQL(reloading.url, 'mutation { addReview(input: { productUpc: "2", body: "after the reload", rating: 4 }) { id } }', {
      headers: { authorization: `Bearer ${token2}` },
    });
    expect(added.body.errors).toBeUndefined();
    await subscription.until();
    expect(subscription.failure).toBeUndefined();
    expect(subscription.events[0]!.data!.reviewAdded).toEqual({ body: 'after the reload', product: { upc: '2' } });
  });

  it('gateway shutdown delivers the events already received, completes each subscription, then closes the sockets with 1001', async () => {
    const client = clientOf(ownGateway.url);
    const seen: string[] = [];
    // Each event needs a products fetch, made slow: the events are still being handled when the gateway stops.
    // Other tests' subscriptions may still run on the shared subgraphs: wait for this one's.
    const before = own.byName.reviews.stats.subscriptions;
    const subscription = collect(client, 'subscription { reviewAdded { body product { name } } }', 2);
    await waitFor(() => own.byName.reviews.stats.subscriptions > before, 10_000, 'the subgraph subscription');
    client.on('closed', (event) => void seen.push(`closed ${(event as { code?: number }).code}`));
    own.byName.products.setFaults({ delayMs: 400 });
    try {
      for (const body of ['in flight 1', 'in flight 2']) {
        const added = await postGraphQL(own.urls.reviews!, `mutation { addReview(input: { productUpc: "1", body: "${body}", rating: 3 }) { id } }`, {
          headers: { 'x-user-id': '1' },
        });
        expect(added.body.errors).toBeUndefined();
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(subscription.events).toHaveLength(0);
      const stopping = ownGateway.gateway.stop();
      stopped = true;
      await waitFor(() => seen.length > 0, 10_000, 'the socket to close');
      await stopping;
    } finally {
      own.byName.products.setFaults({});
    }
    expect(subscription.events.map((event) => event.data?.reviewAdded)).toEqual([
      { body: 'in flight 1', product: { name: expect.any(String) } },
      { body: 'in flight 2', product: { name: expect.any(String) } },
    ]);
    expect(subscription.failure).toBeUndefined();
    expect(subscription.completed).toBe(true);
    expect(seen).toEqual(['closed 1001']);
    await waitFor(() => own.byName.reviews.stats.subscriptions === before, 5_000, 'the subgraph subscription to close');
  });
  it('a subgraph restarted mid-stream: an error event with SUBGRAPH_UNAVAILABLE, then complete; subscribing again once it is back gets events', async () => {
    const second = await startGateway({ subgraphUrls: own.urls, config: { logging: { level: 'warn' }, rateLimit: { enabled: false } } });
    stack.push(second.close);
    const client = clientOf(second.url);
    const subscription = collect(client, 'subscription { reviewAdded { body } }', 1);
    await waitFor(() => own.byName.reviews.stats.subscriptions > 0, 10_000, 'the subgraph subscription');
    const { port } = own.byName.reviews;
    await own.byName.reviews.close();
    await subscription.until();
    await waitFor(() => subscription.completed || subscription.failure !== undefined, 5_000, 'the subscription to end');
    expect(subscription.events).toHaveLength(1);
    expect(subscription.events[0]!.errors?.[0]?.extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'reviews' });
    expect(subscription.completed).toBe(true);

    // The same process comes back on the same port: the client subscribes again on the same socket.
    const restarted = await createReviewsSubgraph().listen({ port });
    stack.push(restarted.close);
    const again = collect(client, 'subscription { reviewAdded { body product { name } } }', 1);
    await waitFor(() => restarted.stats.subscriptions > 0, 10_000, 'the subgraph subscription after the restart');
    const added = await postGraphQL(
      restarted.url,
      'mutation { addReview(input: { productUpc: "1", body: "after the restart", rating: 5 }) { id } }',
      {
        headers: { 'x-user-id': '1' },
      },
    );
    expect(added.body.errors).toBeUndefined();
    await again.until();
    expect(again.failure).toBeUndefined();
    expect(again.events[0]).toEqual({ data: { reviewAdded: { body: 'after the restart', product: { name: expect.any(String) } } } });
  });
});
