/** Retries always allowed per window, so a quiet gateway can still retry its few requests. */
export const DEFAULT_RETRY_BUDGET_FLOOR = 10;
/** Length of the sliding window the budget counts over. */
export const DEFAULT_RETRY_BUDGET_WINDOW_MS = 10_000;
const BUCKETS = 10;

export interface RetryBudget {
  /** Counts one original (non-retry) request. */
  recordRequest(): void;
  /** True, and the retry is counted, when one more retry stays within the budget. */
  tryAcquireRetry(): boolean;
}

export interface RetryBudgetOptions {
  /** Retries ≤ ratio × requests over the window (plus the floor). */
  ratio: number;
  floor?: number;
  windowMs?: number;
  now?: () => number;
}

/**
 * A retry budget (Finagle/Envoy style): retries may be at most `ratio` of the requests seen over a
 * sliding window, so during an outage retries add ~20 % load instead of multiplying it by the attempt
 * count. Counts live in ten ring buckets: O(1) per call, no per-request allocation.
 */
export function createRetryBudget(options: RetryBudgetOptions): RetryBudget {
  const floor = options.floor ?? DEFAULT_RETRY_BUDGET_FLOOR;
  const bucketMs = (options.windowMs ?? DEFAULT_RETRY_BUDGET_WINDOW_MS) / BUCKETS;
  const now = options.now ?? Date.now;
  const requests = new Float64Array(BUCKETS);
  const retries = new Float64Array(BUCKETS);
  let currentSlot = Math.floor(now() / bucketMs);

  function advance(): number {
    const slot = Math.floor(now() / bucketMs);
    if (slot !== currentSlot) {
      // Clear every bucket that the window slid past since the last call (all of them after a long pause).
      const steps = Math.min(BUCKETS, slot - currentSlot);
      for (let i = 1; i <= steps; i++) {
        const index = (currentSlot + i) % BUCKETS;
        requests[index] = 0;
        retries[index] = 0;
      }
      currentSlot = slot;
    }
    return slot % BUCKETS;
  }

  const sum = (values: Float64Array) => values.reduce((total, value) => total + value, 0);

  return {
    recordRequest() {
      requests[advance()]++;
    },
    tryAcquireRetry() {
      const index = advance();
      if (sum(retries) + 1 > floor + options.ratio * sum(requests)) return false;
      retries[index]++;
      return true;
    },
  };
}
