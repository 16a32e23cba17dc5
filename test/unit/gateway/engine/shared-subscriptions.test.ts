import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createSharedSubscriptions } from '../../../../gateway/engine/shared-subscriptions.js';
import { SubscriptionTooSlowError } from '../../../../gateway/engine/subgraph-subscription.js';

type Event = { data?: Record<string, unknown> };

/** Subgraph streams driven by the test: each `open` starts one; `emit` and `fail` act on the latest. */
function source() {
  const state = { opened: 0, closed: false };
  let latest: { emit(event: Event): void; fail(error: unknown): void; end(): void } | undefined;
  const open = (onSubgraphClosed?: () => void) => {
    state.opened++;
    const pending: Array<{ resolve: (step: IteratorResult<Event>) => void; reject: (error: unknown) => void }> = [];
    const queued: Event[] = [];
    let failure: unknown;
    let closed = false;
    let ended = false;
    state.closed = false;
    latest = {
      emit(event) {
        const waiter = pending.shift();
        if (waiter) waiter.resolve({ done: false, value: event });
        else queued.push(event);
      },
      fail(error) {
        failure = error;
        for (const waiter of pending.splice(0)) waiter.reject(error);
      },
      // The subgraph ends the stream: reported at once, read after what is queued (as subscribeToSubgraph does).
      end() {
        ended = true;
        onSubgraphClosed?.();
        for (const waiter of pending.splice(0)) waiter.resolve({ done: true, value: undefined });
      },
    };
    const iterator: AsyncIterableIterator<Event> = {
      next: () =>
        new Promise<IteratorResult<Event>>((resolve, reject) => {
          if (failure !== undefined) return reject(failure);
          if (closed) return resolve({ done: true, value: undefined });
          const event = queued.shift();
          if (event) resolve({ done: false, value: event });
          else if (ended) resolve({ done: true, value: undefined });
          else pending.push({ resolve, reject });
        }),
      return: async () => {
        closed = true;
        state.closed = true;
        for (const waiter of pending.splice(0)) waiter.resolve({ done: true, value: undefined });
        return { done: true, value: undefined };
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
    return iterator as never;
  };
  return {
    state,
    open,
    emit: (event: Event) => latest!.emit(event),
    fail: (error: unknown) => latest!.fail(error),
    end: () => latest!.end(),
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('shared subgraph subscriptions', () => {
  it('subscribers with one key share one subgraph subscription, each with its own copy of every event; the last one out closes it', async () => {
    const shared = createSharedSubscriptions();
    const stream = source();
    const a = shared.join('k', stream.open, undefined, 10);
    const b = shared.join('k', stream.open, undefined, 10);
    const other = shared.join('other key', source().open, undefined, 10);
    expect(stream.state.opened).toBe(1);
    expect(shared.size).toBe(2);
    stream.emit({ data: { reviewAdded: { body: 'one' } } });
    const [first, second] = await Promise.all([a.next(), b.next()]);
    expect(first.value).toEqual({ data: { reviewAdded: { body: 'one' } } });
    expect(second.value).toEqual(first.value);
    expect(second.value).not.toBe(first.value);
    await a.return!();
    expect(stream.state.closed).toBe(false);
    stream.emit({ data: { reviewAdded: { body: 'two' } } });
    expect((await b.next()).value).toEqual({ data: { reviewAdded: { body: 'two' } } });
    await b.return!();
    expect(stream.state.closed).toBe(true);
    await tick();
    expect(shared.size).toBe(1);
    await other.return!();
  });

  it('one subscriber falling behind is ended with SubscriptionTooSlowError; the others and the stream go on', async () => {
    const shared = createSharedSubscriptions();
    const stream = source();
    const reader = shared.join('k', stream.open, undefined, 2);
    const laggard = shared.join('k', stream.open, undefined, 2);
    for (let i = 0; i < 3; i++) {
      stream.emit({ data: { n: i } });
      expect((await reader.next()).value).toEqual({ data: { n: i } });
    }
    await expect(laggard.next()).rejects.toBeInstanceOf(SubscriptionTooSlowError);
    expect((await laggard.next()).done).toBe(true);
    stream.emit({ data: { n: 3 } });
    expect((await reader.next()).value).toEqual({ data: { n: 3 } });
    expect(stream.state.closed).toBe(false);
    await reader.return!();
    expect(stream.state.closed).toBe(true);
  });

  it('the stream failing ends every subscriber with its error, after the events queued for it', async () => {
    const shared = createSharedSubscriptions();
    const stream = source();
    const a = shared.join('k', stream.open, undefined, 10);
    const b = shared.join('k', stream.open, undefined, 10);
    stream.emit({ data: { n: 1 } });
    expect((await a.next()).value).toEqual({ data: { n: 1 } });
    await tick();
    const gone = new Error('subgraph closed');
    stream.fail(gone);
    await tick();
    expect((await b.next()).value).toEqual({ data: { n: 1 } });
    await expect(b.next()).rejects.toBe(gone);
    await expect(a.next()).rejects.toBe(gone);
    expect(shared.size).toBe(0);
    // A new subscriber opens a new subgraph subscription.
    shared.join('k', stream.open, undefined, 10);
    expect(stream.state.opened).toBe(2);
  });

  it('the stream ending ends every subscriber after the events queued for it; one joining meanwhile opens a new subscription', async () => {
    const shared = createSharedSubscriptions();
    const stream = source();
    const a = shared.join('k', stream.open, undefined, 10);
    const b = shared.join('k', stream.open, undefined, 10);
    stream.emit({ data: { n: 1 } });
    stream.emit({ data: { n: 2 } });
    stream.end();
    // The subgraph side has ended while its last events are still on their way to a and b.
    expect(shared.size).toBe(0);
    const c = shared.join('k', stream.open, undefined, 10);
    expect(stream.state.opened).toBe(2);
    for (const subscriber of [a, b]) {
      expect((await subscriber.next()).value).toEqual({ data: { n: 1 } });
      expect((await subscriber.next()).value).toEqual({ data: { n: 2 } });
      expect((await subscriber.next()).done).toBe(true);
    }
    const next = c.next();
    await tick();
    stream.emit({ data: { n: 3 } });
    expect(await next).toEqual({ done: false, value: { data: { n: 3 } } });
    expect(shared.size).toBe(1);
    await c.return!();
    expect(shared.size).toBe(0);
  });

  it('a subscriber joining just after the last one left gets a new subgraph subscription, not the closing one', async () => {
    const shared = createSharedSubscriptions();
    const stream = source();
    const a = shared.join('k', stream.open, undefined, 10);
    const leaving = a.return!();
    // In the same tick: the closing stream's pump has not seen it end yet, and must not be joined.
    const b = shared.join('k', stream.open, undefined, 10);
    await leaving;
    expect(stream.state.opened).toBe(2);
    const next = b.next();
    await tick();
    stream.emit({ data: { n: 1 } });
    expect(await next).toEqual({ done: false, value: { data: { n: 1 } } });
    await b.return!();
  });

  it("a subscriber's aborted signal takes it out (and its listener off the signal)", async () => {
    const shared = createSharedSubscriptions();
    const stream = source();
    const controller = new AbortController();
    const a = shared.join('k', stream.open, controller.signal, 10);
    const waiting = a.next();
    controller.abort();
    expect((await waiting).done).toBe(true);
    expect(stream.state.closed).toBe(true);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});
