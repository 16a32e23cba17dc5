import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, waitFor, type StartedGateway } from '../../helpers/gateway.js';
import { createCloseStack, postGraphQL, startSubgraphs } from '../../helpers/subgraphs.js';
import { mintToken, secretBytes } from '../../helpers/tokens.js';
import type { RunningSubgraphs } from '../../../subgraphs/index.js';

/**
 * subscriptions.deduplicate (on by default, as Apollo Router's enable_deduplication): identical
 * subscriptions — same document and variables, same identity — share one subgraph subscription;
 * each subscriber still gets every event, resolved with its own entity fetches.
 */
const SECRET = 'subscription-dedup-secret-0123456789abcdef012345';
const QUERY = 'subscription { reviewAdded { body product { name } author { username } } }';
const closeStack = createCloseStack();
let subgraphs: RunningSubgraphs;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  subgraphs = await startSubgraphs();
  closeStack.push(subgraphs.close);
  for (const sub of ['3', '4']) tokens[sub] = await mintToken(secretBytes(SECRET), { sub });
});
afterAll(() => closeStack.drain());

async function gatewayWith(subscriptions: Record<string, unknown> = {}): Promise<StartedGateway> {
  const gateway = await startGateway({
    subgraphUrls: subgraphs.urls,
    config: { logging: { level: 'warn' }, rateLimit: { enabled: false }, subscriptions },
    env: { SWITCHYARD_JWT_SECRET: SECRET },
  });
  closeStack.push(gateway.close);
  return gateway;
}

function subscriber(gateway: StartedGateway, sub: string, query = QUERY) {
  const state = { completed: false, failure: undefined as unknown };
  const client: Client = createClient({
    url: gateway.url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${tokens[sub]}` },
    retryAttempts: 0,
    lazy: true,
  });
  closeStack.push(async () => void (await client.dispose()));
  const events: unknown[] = [];
  const unsubscribe = client.subscribe(
    { query },
    { next: (event) => void events.push(event), error: (error) => void (state.failure = error), complete: () => void (state.completed = true) },
  );
  return { events, unsubscribe, state };
}

const publish = (gateway: StartedGateway, body: string) =>
  postGraphQL(gateway.url, `mutation { addReview(input: { productUpc: "1", body: "${body}", rating: 5 }) { id } }`, {
    headers: { authorization: `Bearer ${tokens['3']}` },
  });

/** Waits for the subgraph count to reach `count` and stay there a moment (subscribes have no ack). */
async function subgraphSubscriptions(count: number): Promise<void> {
  await waitFor(() => subgraphs.byName.reviews.stats.subscriptions === count, 10_000, `${count} subgraph subscriptions`);
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(subgraphs.byName.reviews.stats.subscriptions).toBe(count);
}

describe('subscription deduplication', () => {
  it('two subscribers with the same identity and document share one subgraph subscription; each gets every event', async () => {
    const gateway = await gatewayWith();
    const a = subscriber(gateway, '3');
    await subgraphSubscriptions(1);
    const b = subscriber(gateway, '3');
    await subgraphSubscriptions(1);
    expect((await publish(gateway, 'shared one')).body.errors).toBeUndefined();
    await waitFor(() => a.events.length === 1 && b.events.length === 1, 10_000, 'both events');
    // Resolving each event (its own entity fetches) opened nothing more at the subgraph.
    await subgraphSubscriptions(1);
    const expected = { data: { reviewAdded: { body: 'shared one', product: { name: expect.any(String) }, author: { username: 'user3' } } } };
    expect(a.events[0]).toEqual(expected);
    expect(b.events[0]).toEqual(expected);

    // The first one leaving keeps the shared subscription for the other.
    a.unsubscribe();
    await subgraphSubscriptions(1);
    expect((await publish(gateway, 'shared two')).body.errors).toBeUndefined();
    await waitFor(() => b.events.length === 2, 10_000, 'the second event');
    expect(a.events).toHaveLength(1);
    b.unsubscribe();
    await subgraphSubscriptions(0);
  });

  it('another identity, another document, or deduplicate: false each get a subgraph subscription of their own', async () => {
    const gateway = await gatewayWith();
    const mine = subscriber(gateway, '3');
    await subgraphSubscriptions(1);
    const otherIdentity = subscriber(gateway, '4');
    await subgraphSubscriptions(2);
    const otherDocument = subscriber(gateway, '3', 'subscription { reviewAdded { body } }');
    await subgraphSubscriptions(3);
    for (const s of [mine, otherIdentity, otherDocument]) s.unsubscribe();
    await subgraphSubscriptions(0);

    const separate = await gatewayWith({ deduplicate: false });
    const first = subscriber(separate, '3');
    await subgraphSubscriptions(1);
    const second = subscriber(separate, '3');
    await subgraphSubscriptions(2);
    first.unsubscribe();
    second.unsubscribe();
    await subgraphSubscriptions(0);
  });

  it('gateway shutdown with a shared subscription completes every subscriber and closes the subgraph subscription', async () => {
    const gateway = await gatewayWith();
    const a = subscriber(gateway, '3');
    const b = subscriber(gateway, '3');
    await subgraphSubscriptions(1);
    expect((await publish(gateway, 'before the stop')).body.errors).toBeUndefined();
    await waitFor(() => a.events.length === 1 && b.events.length === 1, 10_000, 'both events');
    await gateway.gateway.stop();
    await waitFor(() => a.state.completed && b.state.completed, 10_000, 'both subscriptions to complete');
    expect([a.state.failure, b.state.failure]).toEqual([undefined, undefined]);
    await subgraphSubscriptions(0);
  });
});
