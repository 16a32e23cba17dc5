import { createClient } from 'graphql-sse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, waitFor, type StartedGateway } from '../../helpers/gateway.js';
import { createCloseStack, postGraphQL, startSubgraphs } from '../../helpers/subgraphs.js';
import { mintToken, secretBytes } from '../../helpers/tokens.js';
import { createReviewsSubgraph } from '../../../subgraphs/reviews/index.js';
import type { RunningSubgraphs } from '../../../subgraphs/index.js';

/**
 * Subscriptions over Server-Sent Events (graphql-sse's distinct connections mode), read by
 * graphql-sse's own client: the same pipeline as any request, events with fields of three subgraphs,
 * field authorization on events, and the subgraph subscription ending when the client leaves.
 */
const SECRET = 'sse-subscriptions-secret-0123456789abcdef0123456';
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
  token = await mintToken(secretBytes(SECRET), { sub: '5' });
});
afterAll(() => closeStack.drain());

const addReview = (productUpc: string, body: string) =>
  postGraphQL(gateway.url, `mutation { addReview(input: { productUpc: "${productUpc}", body: "${body}", rating: 3 }) { id } }`, {
    headers: { authorization: `Bearer ${token}` },
  });

function subscribe(query: string, headers: Record<string, string> = {}) {
  const client = createClient({ url: gateway.url, singleConnection: false, retryAttempts: 0, headers });
  closeStack.push(async () => client.dispose());
  const events: Array<{
    data?: Record<string, any> | null;
    errors?: Array<{ message: string; path?: unknown[]; extensions?: Record<string, unknown> }>;
  }> = [];
  const state: { failure?: unknown; completed: boolean } = { completed: false };
  const unsubscribe = client.subscribe(
    { query },
    {
      next: (event) => void events.push(event as (typeof events)[number]),
      error: (error) => void (state.failure = error),
      complete: () => void (state.completed = true),
    },
  );
  return { events, state, unsubscribe };
}

describe('subscriptions over SSE', () => {
  it('an event carries the review, its product (products) and author (accounts); leaving ends the subgraph subscription', async () => {
    const subscription = subscribe('subscription { reviewAdded { body product { upc name } author { id username } } }', {
      authorization: `Bearer ${token}`,
    });
    await waitFor(() => subgraphs.byName.reviews.stats.subscriptions > 0, 10_000, 'the subgraph subscription');
    await addReview('5', 'Over SSE.');
    await waitFor(() => subscription.events.length > 0 || subscription.state.failure !== undefined, 10_000, 'an event');
    expect(subscription.state.failure).toBeUndefined();
    expect(subscription.events[0]).toEqual({
      data: {
        reviewAdded: { body: 'Over SSE.', product: { upc: '5', name: expect.any(String) }, author: { id: '5', username: expect.any(String) } },
      },
    });
    subscription.unsubscribe();
    await waitFor(() => subgraphs.byName.reviews.stats.subscriptions === 0, 10_000, 'the subgraph subscription to end');
  });

  it('an anonymous subscriber gets email null with UNAUTHORIZED_FIELD_OR_TYPE in each event', async () => {
    const subscription = subscribe('subscription { reviewAdded { author { email } } }');
    await waitFor(() => subgraphs.byName.reviews.stats.subscriptions > 0, 10_000, 'the subgraph subscription');
    await addReview('6', 'anonymous reader');
    await waitFor(() => subscription.events.length > 0, 10_000, 'an event');
    expect(subscription.events[0]).toEqual({
      data: { reviewAdded: { author: { email: null } } },
      errors: [
        { message: 'Unauthorized field or type.', path: ['reviewAdded', 'author', 'email'], extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' } },
      ],
    });
    subscription.unsubscribe();
    await waitFor(() => subgraphs.byName.reviews.stats.subscriptions === 0, 10_000, 'the subgraph subscription to end');
  });

  it('an invalid subscription is answered as JSON with its code, not as a stream', async () => {
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: 'subscription { reviewAdded { nope } }' }),
    });
    expect(response.headers.get('content-type')).toContain('application/json');
    const body = (await response.json()) as { errors: Array<{ extensions: { code: string } }> };
    expect(body.errors[0]!.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('GET with Accept: text/event-stream, as GraphiQL sends subscriptions, streams too', async () => {
    const url = `${gateway.url}?query=${encodeURIComponent('subscription { reviewAdded { body } }')}`;
    const controller = new AbortController();
    const response = await fetch(url, { headers: { accept: 'text/event-stream' }, signal: controller.signal });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    await waitFor(() => subgraphs.byName.reviews.stats.subscriptions > 0, 10_000, 'the subgraph subscription');
    await addReview('7', 'seen by GET');
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    // Read until the event arrived (the test's own timeout bounds it).
    while (!text.includes('"seen by GET"')) {
      const chunk = await reader.read();
      if (chunk.done) break;
      text += decoder.decode(chunk.value);
    }
    expect(text).toContain('event: next');
    expect(text).toContain('"body":"seen by GET"');
    controller.abort();
    await waitFor(() => subgraphs.byName.reviews.stats.subscriptions === 0, 10_000, 'the subgraph subscription to end');
  });
});

describe('gateway shutdown with SSE subscribers', () => {
  it('delivers the events already received, then ends each stream with `complete`', async () => {
    const stopping = await startGateway({ subgraphUrls: subgraphs.urls, config: { logging: { level: 'warn' }, rateLimit: { enabled: false } } });
    let stopped = false;
    closeStack.push(() => (stopped ? Promise.resolve() : stopping.close()));
    const client = createClient({ url: stopping.url, singleConnection: false, retryAttempts: 0 });
    closeStack.push(async () => client.dispose());
    const events: Array<{ data?: Record<string, any> | null }> = [];
    const state: { failure?: unknown; completed: boolean } = { completed: false };
    const before = subgraphs.byName.reviews.stats.subscriptions;
    client.subscribe(
      { query: 'subscription { reviewAdded { body product { name } } }' },
      {
        next: (event) => void events.push(event as (typeof events)[number]),
        error: (error) => void (state.failure = error),
        complete: () => void (state.completed = true),
      },
    );
    await waitFor(() => subgraphs.byName.reviews.stats.subscriptions > before, 10_000, 'the subgraph subscription');
    // The event's products fetch is slow: it is still being handled when the gateway stops.
    subgraphs.byName.products.setFaults({ delayMs: 400 });
    try {
      const added = await postGraphQL(
        subgraphs.urls.reviews!,
        'mutation { addReview(input: { productUpc: "3", body: "in flight", rating: 2 }) { id } }',
        {
          headers: { 'x-user-id': '1' },
        },
      );
      expect(added.body.errors).toBeUndefined();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(events).toHaveLength(0);
      stopped = true;
      await stopping.gateway.stop();
    } finally {
      subgraphs.byName.products.setFaults({});
    }
    await waitFor(() => state.completed || state.failure !== undefined, 5_000, 'the stream to end');
    expect(state.failure).toBeUndefined();
    expect(events).toEqual([{ data: { reviewAdded: { body: 'in flight', product: { name: expect.any(String) } } } }]);
    await waitFor(() => subgraphs.byName.reviews.stats.subscriptions === before, 5_000, 'the subgraph subscription to close');
  });
});

describe('a subgraph restarted under SSE subscribers', () => {
  it('the stream gets SUBGRAPH_UNAVAILABLE and ends; subscribing again once the subgraph is back gets events, with auth', async () => {
    const own = await startSubgraphs();
    closeStack.push(own.close);
    const ownGateway = await startGateway({
      subgraphUrls: own.urls,
      config: { logging: { level: 'warn' }, rateLimit: { enabled: false } },
      env: { SWITCHYARD_JWT_SECRET: SECRET },
    });
    closeStack.push(ownGateway.close);
    const client = createClient({ url: ownGateway.url, singleConnection: false, retryAttempts: 0, headers: { authorization: `Bearer ${token}` } });
    closeStack.push(async () => client.dispose());
    const follow = (query: string) => {
      const events: Array<{ data?: Record<string, any> | null; errors?: Array<{ extensions?: Record<string, unknown> }> }> = [];
      const state: { failure?: unknown; completed: boolean } = { completed: false };
      client.subscribe(
        { query },
        {
          next: (event) => void events.push(event as (typeof events)[number]),
          error: (error) => void (state.failure = error),
          complete: () => void (state.completed = true),
        },
      );
      return { events, state };
    };

    const first = follow('subscription { reviewAdded { body } }');
    await waitFor(() => own.byName.reviews.stats.subscriptions > 0, 10_000, 'the subgraph subscription');
    const { port } = own.byName.reviews;
    await own.byName.reviews.close();
    await waitFor(() => first.state.completed || first.state.failure !== undefined, 10_000, 'the stream to end');
    expect(first.state.failure).toBeUndefined();
    expect(first.events).toHaveLength(1);
    expect(first.events[0]!.errors?.[0]?.extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'reviews' });

    const restarted = await createReviewsSubgraph().listen({ port });
    closeStack.push(restarted.close);
    // The signed-in caller (sub 5) may read the author's email: auth holds on the new stream too.
    const again = follow('subscription { reviewAdded { body author { email } } }');
    await waitFor(() => restarted.stats.subscriptions > 0, 10_000, 'the subgraph subscription after the restart');
    const added = await postGraphQL(restarted.url, 'mutation { addReview(input: { productUpc: "2", body: "back again", rating: 4 }) { id } }', {
      headers: { 'x-user-id': '5' },
    });
    expect(added.body.errors).toBeUndefined();
    await waitFor(() => again.events.length > 0 || again.state.failure !== undefined, 10_000, 'an event after the restart');
    expect(again.state.failure).toBeUndefined();
    expect(again.events[0]).toEqual({ data: { reviewAdded: { body: 'back again', author: { email: expect.stringContaining('@') } } } });
  });
});
