import { Cancel } from './cancel.js';

/**
 * Subgraph timeouts without a timer per fetch: a fetch's deadline is rounded up to a slot of
 * `resolutionMs`, and every fetch due in the same slot shares one timer and one Cancel. At a
 * thousand fetches a second and 20 ms slots that is at most 50 timers a second, however many fetches.
 */

/** A subgraph call outlived its `timeoutMs`. */
export class SubgraphTimeoutError extends Error {
  override name = 'TimeoutError';
  constructor(message = 'The subgraph did not answer in time.') {
    super(message);
  }
}

export interface DeadlineClock {
  /** A Cancel aborted (with a SubgraphTimeoutError) at `deadline` (epoch ms), up to one slot later. */
  signalAt(deadline: number): Cancel;
}

export function createDeadlineClock(resolutionMs = 20): DeadlineClock {
  const slots = new Map<number, Cancel>();
  return {
    signalAt(deadline) {
      const slot = Math.ceil(deadline / resolutionMs);
      let cancel = slots.get(slot);
      if (!cancel) {
        const created = new Cancel();
        slots.set(slot, created);
        setTimeout(
          () => {
            slots.delete(slot);
            created.abort(new SubgraphTimeoutError());
          },
          Math.max(0, slot * resolutionMs - Date.now()),
        ).unref();
        cancel = created;
      }
      return cancel;
    },
  };
}
