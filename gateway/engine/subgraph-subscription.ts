import { createClient as createSseClient } from 'graphql-sse';
import { createClient, type FormattedExecutionResult } from 'graphql-ws';
import { Agent, fetch as undiciFetch, type RequestInit as UndiciRequestInit } from 'undici';
import WebSocket from 'ws';
import { createEventQueue } from './event-queue.js';

export { SubscriptionTooSlowError } from './event-queue.js';

type Event = FormattedExecutionResult<Record<string, unknown>, unknown>;

/** Where and how to subscribe: the protocol, its URL (http(s) or ws(s), either is converted) and headers. */
export interface SubgraphSubscriptionTarget {
  protocol: 'graphql-ws' | 'sse';
  url: string;
  headers: Record<string, string>;
  /** SSE only: headers computed over the exact request body (request signing). */
  sign?: (body: string) => Record<string, string>;
}

/**
 * An SSE subscription stays open for as long as the subgraph has events, however rare: no body
 * timeout (Node's fetch would end it after 300 s of quiet); headers must come within 30 s.
 */
const sseDispatcher = new Agent({ bodyTimeout: 0, headersTimeout: 30_000 });

/** What both protocols' clients (graphql-ws, graphql-sse) offer. */
interface ProtocolClient {
  subscribe<T>(payload: SubscriptionPayload, sink: Sink<FormattedExecutionResult<T, unknown>>): () => void;
  dispose(): void | Promise<void>;
}
type SubscriptionPayload = { query: string; variables?: Record<string, unknown>; operationName?: string };
interface Sink<T> {
  next(value: T): void;
  error(error: unknown): void;
  complete(): void;
}

function protocolClient(target: SubgraphSubscriptionTarget): ProtocolClient {
  const { headers, sign } = target;
  if (target.protocol === 'sse') {
    return createSseClient({
      url: target.url.replace(/^ws/, 'http'),
      singleConnection: false,
      retryAttempts: 0,
      headers,
      // The client builds the body; signing needs the very bytes it sends. Its headers are a plain object.
      fetchFn: (input: RequestInfo | URL, init?: RequestInit) =>
        undiciFetch(input as string, {
          ...(init as UndiciRequestInit),
          headers: sign
            ? { ...(init?.headers as Record<string, string>), ...sign(String(init?.body ?? '')) }
            : (init?.headers as Record<string, string>),
          dispatcher: sseDispatcher,
        }),
    }) as unknown as ProtocolClient;
  }
  return createClient({
    url: target.url.replace(/^http/, 'ws'),
    // Node's `ws` takes request headers, which browsers' WebSocket cannot.
    webSocketImpl: class extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols, { headers });
      }
    },
    lazy: true,
    retryAttempts: 0,
  }) as unknown as ProtocolClient;
}

/**
 * One subscription to a subgraph, its own connection — GraphQL over WebSocket (graphql-transport-ws)
 * or over SSE (distinct connections) — opened with the headers a query fetch would carry (identity,
 * forwarded, signature). Events wait in a queue of at most `maxQueuedEvents` until the gateway has
 * handled the previous one (its entity fetches, the client's socket): past it the subscription ends
 * with SubscriptionTooSlowError. `return()` — or `signal` — closes it at once; `stop` closes the
 * subgraph side only, and the events already queued are still read before the iteration ends (a
 * graceful shutdown). A connection that fails or closes ends the iteration with an error. `onClose`
 * hears the subgraph side end, whatever the reason, before the queued events are read.
 */
export function subscribeToSubgraph(
  target: SubgraphSubscriptionTarget,
  payload: SubscriptionPayload,
  signals: { signal?: AbortSignal; stop?: AbortSignal; onClose?: () => void },
  maxQueuedEvents: number,
): AsyncIterableIterator<Event> {
  const client = protocolClient(target);
  const queue = createEventQueue<Event>(maxQueuedEvents, () => close());
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    // The stop signal is the gateway's, shared by every subscription: a listener left on it would keep
    // this subscription (its client, its queue) alive until shutdown.
    for (const signal of [signals.signal, signals.stop]) signal?.removeEventListener('abort', close);
    unsubscribe();
    void client.dispose();
    queue.end();
    signals.onClose?.();
  };
  const unsubscribe = client.subscribe<Record<string, unknown>>(payload, {
    next(event) {
      if (!queue.push(event)) close();
    },
    error(error) {
      // Closing it ourselves (stop, return) is not a failure to report.
      if (closed) return;
      queue.end(error);
      close();
    },
    complete() {
      close();
    },
  });
  for (const signal of [signals.signal, signals.stop]) {
    if (signal?.aborted) close();
    else signal?.addEventListener('abort', close, { once: true });
  }
  return queue;
}
