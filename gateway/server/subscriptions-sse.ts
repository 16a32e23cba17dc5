import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GatewayExecutionResult } from '@apollo/server-gateway-interface';
import type { GatewayContext } from '../request-context.js';
import { deliverEvents, type FormatError, type createSubscriptionTracker } from './subscription-events.js';

/**
 * Subscriptions over Server-Sent Events, graphql-sse's "distinct connections" mode (what GraphiQL
 * and graphql-sse's client speak): a GET or POST to the GraphQL path with `Accept:
 * text/event-stream`, answered with `event: next` per event and `event: complete` at the end. The
 * request goes through the HTTP pipeline as any other (context plugins, limits, Apollo); the
 * executor hands back the event stream.
 */

export interface SseOptions {
  tracker: ReturnType<typeof createSubscriptionTracker>;
  formatError: FormatError;
  /** A comment line this often keeps proxies from closing an idle stream (0: none). */
  keepAliveMs: number;
}

export function acceptsEventStream(request: IncomingMessage): boolean {
  return (request.headers.accept ?? '').includes('text/event-stream');
}

function flush(response: ServerResponse): void {
  (response as ServerResponse & { flush?: () => void }).flush?.();
}

/** Writes the stream until it ends or the client goes (its close aborts the request's signal, which ends the stream). */
export async function writeEventStream(
  response: ServerResponse,
  stream: AsyncIterable<GatewayExecutionResult>,
  context: GatewayContext,
  client: string,
  options: SseOptions,
): Promise<void> {
  const subgraph = context.subscription?.subgraph ?? 'unknown';
  const end = options.tracker.begin(client, subgraph);
  response.removeHeader('content-length');
  response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });
  response.write(':\n\n');
  flush(response);
  const keepAlive =
    options.keepAliveMs > 0
      ? setInterval(() => {
          response.write(':\n\n');
          flush(response);
        }, options.keepAliveMs).unref()
      : undefined;
  try {
    for await (const event of deliverEvents(stream, context, options.formatError, () => options.tracker.countEvent(subgraph))) {
      if (response.destroyed) break;
      const written = response.write(`event: next\ndata: ${JSON.stringify(event)}\n\n`);
      flush(response);
      // Backpressure: a client not reading stops the next event here, so events wait in the
      // subscription's bounded queue (subscriptions.maxQueuedEvents) instead of this buffer.
      if (!written && !response.destroyed) await Promise.race([once(response, 'drain'), once(response, 'close')]);
    }
    if (!response.destroyed) response.end('event: complete\ndata:\n\n');
  } finally {
    if (keepAlive) clearInterval(keepAlive);
    end();
  }
}
