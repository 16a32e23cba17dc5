import type { RateLimitDecision } from './limiter.js';

/** Seconds until the decision's window (or burst window) resets, at least 1 when limited. */
export function secondsUntilReset(decision: RateLimitDecision): number {
  return Math.max(decision.outcome === 'limited' ? 1 : 0, Math.ceil((decision.res?.msBeforeNext ?? 0) / 1000));
}

/**
 * Writes the RateLimit header fields (https://datatracker.ietf.org/doc/html/draft-ietf-httpapi-ratelimit-headers-06):
 * `RateLimit-Limit` (steady points per window), `RateLimit-Remaining`, `RateLimit-Reset` (seconds),
 * plus `Retry-After` when limited. Nothing when the store failed and there is no count to report.
 */
export function setRateLimitHeaders(headers: { set(name: string, value: string): unknown }, decision: RateLimitDecision): void {
  const res = decision.res;
  if (!res) return;
  const reset = String(secondsUntilReset(decision));
  headers.set('ratelimit-limit', decision.bucket.limitHeader);
  headers.set('ratelimit-remaining', String(res.remainingPoints));
  headers.set('ratelimit-reset', reset);
  if (decision.outcome === 'limited') headers.set('retry-after', reset);
}
