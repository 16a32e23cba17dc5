/**
 * Exponential backoff with full jitter (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/):
 * retry n (1-based) waits a uniform random time in [0, min(maxDelayMs, baseDelayMs · 2^(n-1))], so
 * retrying clients spread out instead of hammering a recovering subgraph in lock-step.
 */
export function fullJitterDelay(retry: number, baseDelayMs: number, maxDelayMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

/**
 * `Retry-After` in milliseconds (RFC 9110 §10.2.3: delay-seconds or an HTTP-date), or undefined when
 * absent or unreadable. A date in the past means 0.
 */
export function parseRetryAfter(value: string | string[] | undefined, now: number = Date.now()): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined) return undefined;
  const text = raw.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP-date always names a weekday or month; without letters Date.parse would read "-1" as a year.
  if (!/[a-z]/i.test(text)) return undefined;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * The wait before retry `retry`: the subgraph's `Retry-After` when it sent one (it knows best), else
 * full-jitter backoff. Returns undefined when the requested wait exceeds `maxRetryAfterMs`: waiting
 * that long inside one client request is worse than failing now.
 */
export function retryDelay(
  retry: number,
  retryAfterMs: number | undefined,
  options: { baseDelayMs: number; maxDelayMs: number; maxRetryAfterMs: number },
  random: () => number = Math.random,
): number | undefined {
  if (retryAfterMs !== undefined) return retryAfterMs > options.maxRetryAfterMs ? undefined : retryAfterMs;
  return fullJitterDelay(retry, options.baseDelayMs, options.maxDelayMs, random);
}
