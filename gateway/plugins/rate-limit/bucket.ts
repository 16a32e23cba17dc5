import type { Redis } from 'ioredis';
import { BurstyRateLimiter, RateLimiterMemory, RateLimiterRedis, type IRateLimiterOptions, type RateLimiterRes } from 'rate-limiter-flexible';
import type { BucketOptions } from './options.js';

/** One configured bucket (a tier or an operation limit) backed by rate-limiter-flexible. */
export interface Bucket {
  /** Steady points per window, as advertised in `RateLimit-Limit`. */
  readonly limit: number;
  /** `String(limit)`, computed once. */
  readonly limitHeader: string;
  /** Resolves with the result when allowed; rejects with a RateLimiterRes when limited, an Error when the store failed. */
  consume(key: string, points: number): Promise<RateLimiterRes>;
  /** Reads the steady window's state without charging (null: nothing spent yet). Rejects when the store failed. */
  peek(key: string): Promise<RateLimiterRes | null>;
}

export interface BucketStore {
  redis?: Redis;
  /** With Redis: the per-process limiter used while Redis is unreachable (fail open); none fails closed. */
  insured: boolean;
  /** Told each time the in-memory insurance answered instead of Redis. */
  onFallback: () => void;
}

/** An in-memory limiter that reports each use: it only runs when Redis could not answer. */
class FallbackMemoryLimiter extends RateLimiterMemory {
  constructor(
    options: IRateLimiterOptions,
    private readonly onUse: () => void,
  ) {
    super(options);
  }

  override consume(key: string | number, points?: number, options?: { [key: string]: any }): Promise<RateLimiterRes> {
    this.onUse();
    return super.consume(key, points, options);
  }
}

function createLimiter(options: IRateLimiterOptions, store: BucketStore): RateLimiterMemory | RateLimiterRedis {
  if (!store.redis) return new RateLimiterMemory(options);
  return new RateLimiterRedis({
    ...options,
    storeClient: store.redis,
    // Without this, commands would be attempted on a broken connection and fail only after a timeout.
    rejectIfRedisNotReady: true,
    insuranceLimiter: store.insured ? new FallbackMemoryLimiter(options, store.onFallback) : undefined,
  });
}

/**
 * Builds a bucket: a fixed window of `points` per `durationSeconds`; with `burst`, rate-limiter-flexible's
 * BurstyRateLimiter lets a client that spent its window draw on `burst` extra points per
 * `burstDurationSeconds` (its documented way to allow traffic spikes on top of a steady rate).
 */
export function createBucket(keyPrefix: string, options: BucketOptions, store: BucketStore): Bucket {
  const main = createLimiter({ keyPrefix, points: options.points, duration: options.durationSeconds }, store);
  const limiter =
    options.burst > 0
      ? new BurstyRateLimiter(
          main,
          createLimiter({ keyPrefix: `${keyPrefix}:burst`, points: options.burst, duration: options.burstDurationSeconds }, store),
        )
      : main;
  return {
    limit: options.points,
    limitHeader: String(options.points),
    consume: (key, points) => limiter.consume(key, points),
    peek: (key) => main.get(key),
  };
}
