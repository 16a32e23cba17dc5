import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** A token bucket: `points` per `durationSeconds`, plus `burst` extra points per `burstDurationSeconds`. */
export interface BucketOptions {
  points: number;
  durationSeconds: number;
  /** Extra points for short spikes once the steady points are spent; 0 turns bursting off. */
  burst: number;
  burstDurationSeconds: number;
}

export interface OperationLimitOptions extends BucketOptions {
  /** `client`: the caller's key (an API key's client id, a JWT's sub, else IP); `ip`: always the client IP. */
  by: 'client' | 'ip';
}

/** `points` failed authentications per `durationSeconds` per client IP. */
export interface FailedAuthOptions {
  points: number;
  durationSeconds: number;
}

/** Options of `createRateLimitPlugin`, normally the validated `rateLimit` config section. */
export interface RateLimitOptions {
  /** Must contain `anonymous` and `authenticated`; other names come from identities' `tier`. */
  tiers: Readonly<Record<string, BucketOptions>>;
  operations: Readonly<Record<string, OperationLimitOptions>>;
  /** Failed authentications (401 UNAUTHENTICATED) allowed per client IP and window, before it gets 429. */
  failedAuth: Readonly<FailedAuthOptions>;
  /**
   * Request headers that carry a credential (default `authorization`, `x-api-key`): only requests
   * presenting one are checked against the failed-auth bucket, so others cost no store read.
   */
  credentialHeaders?: readonly string[];
  /** Addresses/CIDRs whose X-Forwarded-For is believed. */
  trustedProxies: readonly string[];
  /** With Redis unreachable: true limits per process (serves), false answers 503. */
  failOpen: boolean;
  /** Charge `context.demand.cost` (set by the cost plugin) instead of 1 point per request. */
  chargeByCost: boolean;
  keyPrefix: string;
  /** Shared store; undefined keeps counters in this process's memory. */
  redis?: Redis;
  logger: Logger;
  /** While Redis is down, one log line per this interval (default 10 s) counts the fallbacks. */
  fallbackLogIntervalMs?: number;
}

/** Default for `RateLimitOptions.fallbackLogIntervalMs`. */
export const DEFAULT_FALLBACK_LOG_INTERVAL_MS = 10_000;
