import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';

/** Automatic persisted queries: document text by its sha256, registered by clients. */
export interface ApqStore {
  get(hash: string): Promise<string | undefined>;
  set(hash: string, query: string): Promise<void>;
}

/** In process, bounded by the bytes of the documents it holds. */
export function createMemoryApqStore(maxBytes: number): ApqStore {
  const cache = new LRUCache<string, string>({ maxSize: Math.max(1, maxBytes), sizeCalculation: (query, hash) => query.length + hash.length });
  return {
    async get(hash) {
      return cache.get(hash);
    },
    async set(hash, query) {
      if (query.length + hash.length <= maxBytes) cache.set(hash, query);
    },
  };
}

/**
 * Shared by every replica through Redis (`<prefix><hash>`, expiring after `ttlSeconds`). A Redis that
 * is down makes lookups miss (the client re-sends the document) and registrations no-ops.
 */
export function createRedisApqStore(redis: Redis, options: { prefix: string; ttlSeconds: number }): ApqStore {
  return {
    async get(hash) {
      try {
        return (await redis.get(options.prefix + hash)) ?? undefined;
      } catch {
        return undefined;
      }
    },
    async set(hash, query) {
      await redis.set(options.prefix + hash, query, 'EX', options.ttlSeconds).catch(() => undefined);
    },
  };
}
