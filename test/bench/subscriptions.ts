import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/**
 * The subscription workload of `npm run bench`: `subscribers` graphql-ws clients on one gateway, one
 * socket and one JWT each (credentials in connection_init), all subscribed to `reviewAdded` with
 * fields from three subgraphs; a publisher adds reviews straight at the reviews subgraph at
 * `eventsPerSecond`. Every event goes to every subscriber, and every delivery needs its own product
 * and author fetches (distinct identities: nothing may be shared between subscribers).
 */
export const SUBSCRIPTION_QUERY = 'subscription { reviewAdded { body rating product { upc name } author { username } } }';
const ADD_REVIEW = 'mutation ($input: AddReviewInput!) { addReview(input: $input) { id } }';
/** The reviewed product; its name and the publisher's username are what every event must carry. */
const PRODUCT_UPC = '1';
/** Sockets opened at once while connecting (a thousand at once is a connection storm, not the workload). */
const CONNECT_CONCURRENCY = 50;
/** How long every subscriber may take to see its first event before the workload gives up. */
const WARM_TIMEOUT_MS = 60_000;
/** How long a warm-up event may take to reach every subscriber before another is published. */
const WARM_EVENT_WAIT_MS = 10_000;
/** The quiet after the warm-up (no event arriving) before the measured events start. */
const QUIET_MS = 1_000;
/** How long deliveries may trail the last publish; those not there by then count as missing. */
const SETTLE_TIMEOUT_MS = 10_000;

export interface SubscriptionLoadOptions {
  /** The gateway's GraphQL URL (http://…; the socket goes to ws://… on the same path). */
  url: string;
  /** The reviews subgraph's URL: the publisher posts addReview there, not through the gateway under test. */
  publishUrl: string;
  subscribers: number;
  eventsPerSecond: number;
  durationSeconds: number;
  /** Subscriber i sends `authorization: Bearer tokens[i]` in connection_init. */
  tokens: readonly string[];
  /** The reviews subgraph's open subscriptions: the warm-up waits for ours before its first event. */
  subgraphSubscriptions(): Promise<number>;
}

export interface SubscriptionLoadResult {
  subscribers: number;
  /** Measured events published (warm-up events not counted). */
  events: number;
  /** subscribers × events: what a gateway losing nothing delivers. */
  expected: number;
  delivered: number;
  /**
   * (subscriber, event) pairs never delivered SETTLE_TIMEOUT_MS after the last publish: lost, or so
   * late (a gateway behind its events) that the latencies below, taken over the delivered ones, flatter it.
   */
  missing: number;
  /** Deliveries with errors, a wrong shape or a wrong value; one is enough to make the run wrong. */
  bad: number;
  /** Publish (just before the POST to the subgraph) to arrival at the subscriber, over every delivery. */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Time to open every socket and see every subscriber's first (warm-up) event. */
  readyMs: number;
  firstFailure?: string;
}

interface Subscriber {
  client: Client;
  warmed: boolean;
  /** The measured events this subscriber got (a second delivery of one is bad, not counted twice). */
  seen: Set<number>;
  ended?: string;
}

function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function untilAsync(condition: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}

async function until(condition: () => boolean, timeoutMs: number, stepMs = 50): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await sleep(stepMs);
  }
  return true;
}

export async function runSubscriptionLoad(options: SubscriptionLoadOptions): Promise<SubscriptionLoadResult> {
  const { subscribers: count, eventsPerSecond, durationSeconds, tokens } = options;
  if (tokens.length < count) throw new Error(`the subscription workload needs ${count} tokens, has ${tokens.length}`);
  const wsUrl = options.url.replace(/^http/, 'ws');
  const publishedAt = new Map<number, number>();
  const latencies: number[] = [];
  let bad = 0;
  let measuring = false;
  let firstFailure: string | undefined;
  let expectedValues: { name: unknown; username: unknown } | undefined;
  // A bad warm-up event is only reported (that subscriber never warms up, which fails the run).
  const fail = (why: string): void => {
    if (measuring) bad++;
    firstFailure ??= why.slice(0, 500);
  };

  let lastArrival = 0;
  const onEvent = (subscriber: Subscriber, event: { data?: any; errors?: unknown }): void => {
    const arrived = performance.now();
    lastArrival = arrived;
    const review = event.data?.reviewAdded;
    if (event.errors || typeof review?.body !== 'string') return fail(`event ${JSON.stringify(event)}`);
    const values = { name: review.product?.name, username: review.author?.username };
    expectedValues ??= values;
    if (typeof values.name !== 'string' || typeof values.username !== 'string' || review.product.upc !== PRODUCT_UPC)
      return fail(`event without its entity fields: ${JSON.stringify(event)}`);
    if (values.name !== expectedValues.name || values.username !== expectedValues.username)
      return fail(`event with other values: ${JSON.stringify(event)}`);
    const [kind, seq] = review.body.split(' ');
    if (kind === 'warm') {
      subscriber.warmed = true;
      return;
    }
    const id = Number(seq);
    const sent = publishedAt.get(id);
    if (sent === undefined) return fail(`event for an unknown publish: ${review.body}`);
    if (subscriber.seen.has(id)) return fail(`event ${id} delivered twice to one subscriber`);
    subscriber.seen.add(id);
    latencies.push(arrived - sent);
  };

  const subscribers: Subscriber[] = [];
  const subscribe = (index: number): Promise<void> =>
    new Promise((resolve) => {
      const client = createClient({
        url: wsUrl,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${tokens[index]}` },
        retryAttempts: 0,
        lazy: true,
        on: { connected: () => resolve(), closed: () => resolve() },
      });
      const subscriber: Subscriber = { client, warmed: false, seen: new Set() };
      subscribers.push(subscriber);
      client.subscribe(
        { query: SUBSCRIPTION_QUERY },
        {
          next: (event) => onEvent(subscriber, event),
          error: (error) => {
            subscriber.ended = `error: ${error instanceof Error ? error.message : JSON.stringify(error)}`;
            resolve();
          },
          complete: () => void (subscriber.ended ??= 'complete'),
        },
      );
    });

  let seq = 0;
  const publish = async (kind: 'warm' | 'event'): Promise<void> => {
    const id = ++seq;
    if (kind === 'event') publishedAt.set(id, performance.now());
    const response = await fetch(options.publishUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-user-id': '1' },
      body: JSON.stringify({ query: ADD_REVIEW, variables: { input: { productUpc: PRODUCT_UPC, body: `${kind} ${id}`, rating: 5 } } }),
    });
    const text = await response.text();
    if (!response.ok || text.includes('"errors"'))
      throw new Error(`publishing to the reviews subgraph failed: ${response.status} ${text.slice(0, 300)}`);
  };

  const started = performance.now();
  // The previous gateway's subgraph subscriptions must be gone, or counting ours below means nothing.
  if (!(await untilAsync(async () => (await options.subgraphSubscriptions()) === 0, WARM_TIMEOUT_MS)))
    throw new Error(`the reviews subgraph still has ${await options.subgraphSubscriptions()} subscriptions from before`);
  try {
    for (let next = 0; next < count;) {
      const batch: Promise<void>[] = [];
      for (; next < count && batch.length < CONNECT_CONCURRENCY; next++) batch.push(subscribe(next));
      await Promise.all(batch);
    }
    // graphql-ws has no "subscribed" message: the gateway's subgraph subscriptions are counted at the
    // subgraph, then a warm-up event, and another only if some subscriber missed it, so a slow gateway
    // is not handed a backlog of warm-ups.
    if (!(await untilAsync(async () => (await options.subgraphSubscriptions()) >= count, WARM_TIMEOUT_MS)))
      throw new Error(`only ${await options.subgraphSubscriptions()} of ${count} subscriptions reached the reviews subgraph`);
    const warmedAll = () => subscribers.every((s) => s.warmed || s.ended);
    const deadline = Date.now() + WARM_TIMEOUT_MS;
    while (!warmedAll() && Date.now() < deadline) {
      await publish('warm');
      await until(warmedAll, WARM_EVENT_WAIT_MS);
    }
    const notReady = subscribers.filter((s) => !s.warmed);
    if (notReady.length) {
      const why = notReady.find((s) => s.ended)?.ended ?? 'no event within the warm-up';
      throw new Error(`${notReady.length} of ${count} subscribers never got an event (${why})`);
    }
    const readyMs = performance.now() - started;
    // Deliveries of warm-up events still in flight must not be mistaken for measured ones, nor delay them.
    await until(() => performance.now() - lastArrival > QUIET_MS, WARM_TIMEOUT_MS);

    const events = Math.max(1, Math.round(durationSeconds * eventsPerSecond));
    measuring = true;
    const publishStart = performance.now();
    const publishes: Promise<void>[] = [];
    for (let i = 0; i < events; i++) {
      const wait = publishStart + (i * 1000) / eventsPerSecond - performance.now();
      if (wait > 0) await sleep(wait);
      publishes.push(publish('event'));
    }
    await Promise.all(publishes);
    const expected = count * events;
    await until(() => subscribers.every((s) => s.seen.size === events), SETTLE_TIMEOUT_MS, 100);
    const missing = subscribers.reduce((sum, s) => sum + events - s.seen.size, 0);
    const ended = subscribers.filter((s) => s.ended);
    if (ended.length) firstFailure ??= `${ended.length} subscriptions ended early (${ended[0].ended})`;

    const sorted = latencies.slice().sort((a, b) => a - b);
    const round1 = (ms: number) => Math.round(ms * 10) / 10;
    return {
      subscribers: count,
      events,
      expected,
      delivered: latencies.length,
      missing,
      bad,
      p50Ms: round1(percentile(sorted, 50)),
      p99Ms: round1(percentile(sorted, 99)),
      maxMs: round1(sorted.at(-1) ?? 0),
      readyMs: Math.round(readyMs),
      ...(firstFailure ? { firstFailure } : {}),
    };
  } finally {
    await Promise.all(subscribers.map((s) => s.client.dispose()));
  }
}
