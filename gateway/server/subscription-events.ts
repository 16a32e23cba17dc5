import { setMaxListeners } from 'node:events';
import type { GatewayExecutionResult } from '@apollo/server-gateway-interface';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { GatewayMetrics } from '../observability/index.js';
import type { GatewayContext } from '../request-context.js';

/**
 * What the subscription transports (GraphQL over WebSocket, over SSE) share: the per-client cap and
 * the metrics, and the events as clients get them — errors coded and masked by formatError, then
 * the authorization patches, as for a `@defer` payload.
 */

export type FormatError = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

export interface SubscriptionTracker {
  /** The client already runs `subscriptions.maxPerClient` subscriptions. */
  full(client: string): boolean;
  /** Counts one running subscription; `end()` (idempotent) when it stops. */
  begin(client: string, subgraph: string): () => void;
  /**
   * Aborted when the gateway shuts down: every subgraph subscription closes, the events already
   * received are still handled and delivered, then each stream completes.
   */
  readonly stopSignal: AbortSignal;
  /** Stops every subscription (stopSignal) and waits until they all ended, or `timeoutMs` passed. */
  drain(timeoutMs: number): Promise<void>;
}

export function createSubscriptionTracker(
  maxPerClient: number,
  metrics?: Pick<GatewayMetrics, 'addActiveSubscriptions' | 'countSubscriptionEvent'>,
): SubscriptionTracker & { countEvent(subgraph: string): void } {
  const perClient = new Map<string, number>();
  const stop = new AbortController();
  // One listener per running subscription, by design (each removes its own when it ends): no warning at 11.
  setMaxListeners(0, stop.signal);
  let running = 0;
  let drained: (() => void) | undefined;
  return {
    full: (client) => (perClient.get(client) ?? 0) >= maxPerClient,
    begin(client, subgraph) {
      perClient.set(client, (perClient.get(client) ?? 0) + 1);
      running++;
      metrics?.addActiveSubscriptions(subgraph, 1);
      let ended = false;
      return () => {
        if (ended) return;
        ended = true;
        const left = (perClient.get(client) ?? 1) - 1;
        if (left > 0) perClient.set(client, left);
        else perClient.delete(client);
        metrics?.addActiveSubscriptions(subgraph, -1);
        if (--running === 0) drained?.();
      };
    },
    countEvent: (subgraph) => metrics?.countSubscriptionEvent(subgraph),
    stopSignal: stop.signal,
    async drain(timeoutMs) {
      stop.abort();
      if (running === 0) return;
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        drained = resolve;
        timer = setTimeout(resolve, timeoutMs);
      });
      clearTimeout(timer);
      // graphql-ws counts a subscription ended before it writes the `complete` message: let those
      // writes reach the sockets before anything closes them.
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

/** Whom the per-client cap counts: the JWT subject or API-key client, else the address. */
export function subscriptionClientOf(context: GatewayContext): string {
  const identity = context.identity;
  return identity?.subject ?? identity?.clientId ?? `address:${context.incoming.remoteAddress ?? ''}`;
}

/** The refusal of one subscription too many. */
export function tooManySubscriptions(maxPerClient: number): GraphQLError {
  return new GraphQLError(`At most ${maxPerClient} subscriptions may run at once per client; complete one first.`, {
    extensions: { code: 'RATE_LIMITED' },
  });
}

/** The executor's events as a client receives them (errors as GraphQLErrors, whose toJSON the transports use). */
export async function* deliverEvents(
  stream: AsyncIterable<GatewayExecutionResult>,
  context: GatewayContext,
  formatError: FormatError,
  onEvent: () => void,
): AsyncGenerator<GatewayExecutionResult> {
  for await (const event of stream) {
    onEvent();
    const errors = (event.errors ?? []).map((error) => {
      let formatted: GraphQLFormattedError = error instanceof GraphQLError ? error.toJSON() : (error as GraphQLFormattedError);
      if (formatted.extensions?.code === undefined)
        formatted = { ...formatted, extensions: { ...formatted.extensions, code: 'INTERNAL_SERVER_ERROR' } };
      return formatError(formatted, error);
    });
    const item = { data: (event.data ?? null) as Record<string, unknown> | null, path: [] as Array<string | number>, errors };
    for (const patch of context.incremental?.patches ?? []) patch(item);
    if (!item.errors.length) {
      yield { data: item.data };
      continue;
    }
    yield {
      data: item.data,
      errors: item.errors.map((formatted) => new GraphQLError(formatted.message, { path: formatted.path, extensions: formatted.extensions })),
    };
  }
}

/**
 * A stream whose `return()` (the client completed) aborts the subscription at once: a generator
 * waiting for the next event would otherwise finish only when that event came.
 */
export function endingWith<T>(events: AsyncGenerator<T>, controller: AbortController): AsyncIterableIterator<T> {
  return {
    next: () => events.next(),
    async return() {
      controller.abort();
      void events.return(undefined);
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
