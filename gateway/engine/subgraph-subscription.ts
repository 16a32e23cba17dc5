import { createClient, type FormattedExecutionResult } from 'graphql-ws';
import WebSocket from 'ws';

/**
 * One subscription to a subgraph over GraphQL over WebSocket (graphql-transport-ws), its own
 * connection, opened with the headers a query fetch would carry (identity, forwarded, signature).
 * `return()` — or the signal — closes it at once; a connection that fails or closes ends the
 * iteration with an error.
 */
export function subscribeToSubgraph(
  url: string,
  headers: Record<string, string>,
  payload: { query: string; variables?: Record<string, unknown>; operationName?: string },
  signal: AbortSignal | undefined,
): AsyncIterableIterator<FormattedExecutionResult<Record<string, unknown>, unknown>> {
  const client = createClient({
    url: url.replace(/^http/, 'ws'),
    // Node's `ws` takes request headers, which browsers' WebSocket cannot.
    webSocketImpl: class extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols, { headers });
      }
    },
    lazy: true,
    retryAttempts: 0,
  });
  const iterator = client.iterate<Record<string, unknown>>(payload);
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    void iterator.return?.();
    void client.dispose();
  };
  signal?.addEventListener('abort', close, { once: true });
  return {
    async next() {
      try {
        const step = await iterator.next();
        if (step.done) close();
        return step;
      } catch (error) {
        close();
        throw error;
      }
    },
    async return() {
      close();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
