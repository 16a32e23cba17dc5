import { EventEmitter, on } from 'node:events';
import type { Review } from './data.js';

/** Reviews as they are added, for `Subscription.reviewAdded`: one in-process feed per subgraph instance. */
export interface ReviewFeed {
  publish(review: Review): void;
  /** The reviews added from now on (of one product when given); `return()` unsubscribes at once. */
  listen(productUpc?: string): AsyncIterableIterator<Review>;
  /** Subscribers now (for tests: an ended subscription leaves no listener). */
  readonly listeners: number;
}

export function createReviewFeed(): ReviewFeed {
  const events = new EventEmitter();
  // Many subscriptions are expected; each is one listener.
  events.setMaxListeners(0);
  return {
    publish: (review) => void events.emit('added', review),
    listen(productUpc) {
      const controller = new AbortController();
      const source = on(events, 'added', { signal: controller.signal }) as AsyncIterableIterator<[Review]>;
      const iterator: AsyncIterableIterator<Review> = {
        async next() {
          for (;;) {
            const step = await source.next().catch((error: unknown) => {
              if ((error as Error).name === 'AbortError') return { done: true as const, value: undefined };
              throw error;
            });
            if (step.done) return { done: true, value: undefined };
            const [review] = step.value;
            if (productUpc === undefined || review.productUpc === productUpc) return { done: false, value: review };
          }
        },
        async return() {
          // Not source.return(): an iterator waiting in next() must end now, not at the next event.
          controller.abort();
          return { done: true, value: undefined };
        },
        [Symbol.asyncIterator]() {
          return iterator;
        },
      };
      return iterator;
    },
    get listeners() {
      return events.listenerCount('added');
    },
  };
}
