import type { FormattedExecutionResult } from 'graphql-ws';
import { SubscriptionTooSlowError } from './subgraph-subscription.js';

type Event = FormattedExecutionResult<Record<string, unknown>, unknown>;

/**
 * Identical subgraph subscriptions share one (subscriptions.deduplicate, as Apollo Router's
 * `enable_deduplication`): subscribers with the same key — the subgraph, the document, its
 * variables and every header that reaches the subgraph but the per-request ones — read the events
 * of one subgraph subscription, opened for the first and closed when the last leaves. Each
 * subscriber has its own bounded queue: one that falls behind is ended with SubscriptionTooSlowError
 * and the others go on. The subgraph stream failing or ending ends every subscriber the same way,
 * after the events already queued for it.
 */
export interface SharedSubscriptions {
  join(key: string, open: () => AsyncIterableIterator<Event>, signal: AbortSignal | undefined, maxQueuedEvents: number): AsyncIterableIterator<Event>;
  /** Subgraph subscriptions running (for tests). */
  readonly size: number;
}

interface Subscriber {
  queue: Event[];
  maxQueuedEvents: number;
  failure?: unknown;
  /** No more events will be queued (it left, fell behind, or the stream ended). */
  done: boolean;
  wake?: () => void;
  /** Takes its listener off the caller's signal. */
  release(): void;
}

interface Hub {
  source: AsyncIterableIterator<Event>;
  subscribers: Set<Subscriber>;
  /** Takes the hub out of the map (it is closing: a new subscriber must open another). */
  retire(): void;
}

function wake(subscriber: Subscriber): void {
  subscriber.wake?.();
  subscriber.wake = undefined;
}

function leave(hub: Hub, subscriber: Subscriber): void {
  subscriber.done = true;
  subscriber.release();
  wake(subscriber);
  // The last one out closes the subgraph subscription; one joining from now on opens a new one.
  if (hub.subscribers.delete(subscriber) && hub.subscribers.size === 0) {
    hub.retire();
    void hub.source.return?.();
  }
}

function deliver(hub: Hub, subscriber: Subscriber, event: Event): void {
  if (subscriber.queue.length >= subscriber.maxQueuedEvents) {
    subscriber.queue.length = 0;
    subscriber.failure = new SubscriptionTooSlowError(subscriber.maxQueuedEvents);
    leave(hub, subscriber);
    return;
  }
  subscriber.queue.push(event);
  wake(subscriber);
}

export function createSharedSubscriptions(): SharedSubscriptions {
  const hubs = new Map<string, Hub>();

  function start(key: string, open: () => AsyncIterableIterator<Event>): Hub {
    const hub: Hub = {
      source: open(),
      subscribers: new Set(),
      retire: () => {
        if (hubs.get(key) === hub) hubs.delete(key);
      },
    };
    hubs.set(key, hub);
    void (async () => {
      let failure: unknown;
      try {
        for (;;) {
          const step = await hub.source.next();
          if (step.done || hub.subscribers.size === 0) break;
          let first = true;
          for (const subscriber of hub.subscribers) {
            // Each subscriber's plan merges entity fields into its event in place: its own copy.
            deliver(hub, subscriber, first ? step.value : structuredClone(step.value));
            first = false;
          }
        }
      } catch (error) {
        failure = error;
      } finally {
        hub.retire();
        // Ended for everyone: each still reads the events queued for it, then the failure (if any).
        for (const subscriber of hub.subscribers) {
          subscriber.done = true;
          subscriber.failure ??= failure;
          subscriber.release();
          wake(subscriber);
        }
        hub.subscribers.clear();
      }
    })();
    return hub;
  }

  return {
    get size() {
      return hubs.size;
    },
    join(key, open, signal, maxQueuedEvents) {
      const hub = hubs.get(key) ?? start(key, open);
      const onAbort = () => leaveNow();
      const subscriber: Subscriber = {
        queue: [],
        maxQueuedEvents,
        done: false,
        release: () => signal?.removeEventListener('abort', onAbort),
      };
      const leaveNow = () => {
        subscriber.queue.length = 0;
        subscriber.failure = undefined;
        leave(hub, subscriber);
      };
      hub.subscribers.add(subscriber);
      if (signal?.aborted) leaveNow();
      else signal?.addEventListener('abort', onAbort, { once: true });
      return {
        async next() {
          for (;;) {
            const event = subscriber.queue.shift();
            if (event) return { done: false, value: event };
            if (subscriber.failure !== undefined) {
              const error = subscriber.failure;
              subscriber.failure = undefined;
              throw error;
            }
            if (subscriber.done) return { done: true, value: undefined };
            await new Promise<void>((resolve) => (subscriber.wake = resolve));
          }
        },
        async return() {
          leaveNow();
          return { done: true, value: undefined };
        },
        [Symbol.asyncIterator]() {
          return this;
        },
      };
    },
  };
}
