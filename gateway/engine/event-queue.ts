/** The subscription fell too far behind its subgraph: more events waited than the bound allows. */
export class SubscriptionTooSlowError extends Error {
  constructor(readonly maxQueuedEvents: number) {
    super(`The subscription fell more than ${maxQueuedEvents} events behind; subscribe again.`);
  }
}

/**
 * The events of one subscription between whoever produces them and the one reader, at most
 * `maxQueuedEvents` waiting: one more ends the queue with SubscriptionTooSlowError (the reader
 * fell behind). `end()` lets the reader take what is queued, then the failure if any (the first
 * wins); `return()` — the reader leaving — drops everything and calls `onReturn`.
 */
export interface EventQueue<T> extends AsyncIterableIterator<T> {
  /** False when the event is not queued: the queue has ended, or it just overflowed (and ended). */
  push(event: T): boolean;
  end(failure?: unknown): void;
}

export function createEventQueue<T>(maxQueuedEvents: number, onReturn: () => void): EventQueue<T> {
  const queue: T[] = [];
  let failure: unknown;
  let ended = false;
  let wake: (() => void) | undefined;
  const settle = () => {
    wake?.();
    wake = undefined;
  };
  const end = (reason?: unknown) => {
    if (!ended) failure ??= reason;
    ended = true;
    settle();
  };
  return {
    push(event) {
      if (ended) return false;
      if (queue.length >= maxQueuedEvents) {
        queue.length = 0;
        end(new SubscriptionTooSlowError(maxQueuedEvents));
        return false;
      }
      queue.push(event);
      settle();
      return true;
    },
    end,
    async next() {
      for (;;) {
        const event = queue.shift();
        if (event !== undefined) return { done: false, value: event };
        if (failure !== undefined) {
          const error = failure;
          failure = undefined;
          throw error;
        }
        if (ended) return { done: true, value: undefined };
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
    async return() {
      onReturn();
      end();
      queue.length = 0;
      failure = undefined;
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
