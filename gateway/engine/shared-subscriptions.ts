import type { FormattedExecutionResult } from 'graphql-ws';
import { createEventQueue, type EventQueue } from './event-queue.js';

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
  /**
   * `open` starts the subgraph subscription; it calls `onSubgraphClosed` as soon as the subgraph side
   * ends (while the events already received may still be queued), so that a subscriber joining then
   * opens a new one instead of reading a stream that has nothing more to give.
   */
  join(
    key: string,
    open: (onSubgraphClosed: () => void) => AsyncIterableIterator<Event>,
    signal: AbortSignal | undefined,
    maxQueuedEvents: number,
  ): AsyncIterableIterator<Event>;
  /** Subgraph subscriptions running (for tests). */
  readonly size: number;
}

interface Subscriber {
  queue: EventQueue<Event>;
  /** Out of the hub, its listener off the caller's signal. */
  detach(): void;
}

interface Hub {
  source: AsyncIterableIterator<Event>;
  subscribers: Set<Subscriber>;
  /** Takes the hub out of the map (it is closing: a new subscriber must open another). */
  retire(): void;
}

export function createSharedSubscriptions(): SharedSubscriptions {
  const hubs = new Map<string, Hub>();

  function start(key: string, open: (onSubgraphClosed: () => void) => AsyncIterableIterator<Event>): Hub {
    let retired = false;
    const retire = () => {
      retired = true;
      if (hubs.get(key) === hub) hubs.delete(key);
    };
    const hub: Hub = { source: open(retire), subscribers: new Set(), retire };
    // open() may have reported the subgraph side closed already (the gateway is stopping).
    if (!retired) hubs.set(key, hub);
    void (async () => {
      let failure: unknown;
      try {
        for (;;) {
          const step = await hub.source.next();
          if (step.done || hub.subscribers.size === 0) break;
          let first = true;
          for (const subscriber of hub.subscribers) {
            // Each subscriber's plan merges entity fields into its event in place: its own copy.
            // One that fell behind is ended by its queue and leaves; the others go on.
            if (!subscriber.queue.push(first ? step.value : structuredClone(step.value))) subscriber.detach();
            first = false;
          }
        }
      } catch (error) {
        failure = error;
      } finally {
        hub.retire();
        // Ended for everyone: each still reads the events queued for it, then the failure (if any).
        for (const subscriber of [...hub.subscribers]) {
          subscriber.detach();
          subscriber.queue.end(failure);
        }
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
      const onAbort = () => void subscriber.queue.return!();
      const subscriber: Subscriber = {
        queue: createEventQueue<Event>(maxQueuedEvents, () => subscriber.detach()),
        detach() {
          signal?.removeEventListener('abort', onAbort);
          // The last one out closes the subgraph subscription; one joining from now on opens a new one.
          if (hub.subscribers.delete(subscriber) && hub.subscribers.size === 0) {
            hub.retire();
            hub.source.return?.().catch(() => undefined);
          }
        },
      };
      hub.subscribers.add(subscriber);
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
      return subscriber.queue;
    },
  };
}
