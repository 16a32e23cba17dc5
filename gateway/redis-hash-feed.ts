import { Redis } from 'ioredis';
import { describeRedisUrl } from './redis.js';

/** How long a Redis connection attempt may take before the command fails (no endless queueing). */
export const DEFAULT_FEED_CONNECT_TIMEOUT_MS = 2_000;

/**
 * Creates a client for published state (schemas, persisted documents). Command clients fail quickly
 * while Redis is down instead of queueing forever; a subscriber waits for the connection instead.
 */
export function createRedisClient(url: string, mode: 'commands' | 'subscriber' = 'commands'): Redis {
  const client = new Redis(url, {
    lazyConnect: true,
    // ioredis resubscribes after a reconnect with a promise nobody handles: a connection closed
    // before the reply then becomes an unhandled rejection. Subscribers resubscribe themselves.
    autoResubscribe: false,
    connectTimeout: DEFAULT_FEED_CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: mode === 'commands' ? 1 : null,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  // Errors surface through the failing commands; the event only needs a listener.
  client.on('error', () => undefined);
  return client;
}

/** A Redis hash that publishers replace and announce on a channel; replicas read it and follow. */
export interface RedisHashFeed {
  /** Every field of the hash; rejects naming the Redis (never its password) when unreachable. */
  read(): Promise<Record<string, string>>;
  /**
   * Calls `onChange` on every announcement, once the first SUBSCRIBE is acknowledged and after each
   * reconnect: pub/sub does not replay what was published before or while the connection was down.
   * Returns stop.
   */
  subscribe(onChange: () => void): () => void;
  /** Closes every connection. */
  close(): Promise<void>;
}

export function createRedisHashFeed(options: { url: string; key: string; channel: string; what: string }): RedisHashFeed {
  const { url, key, channel } = options;
  const client = createRedisClient(url);
  const subscribers = new Set<Redis>();
  return {
    async read() {
      try {
        return await client.hgetall(key);
      } catch (error) {
        throw new Error(`${options.what}: Redis at ${describeRedisUrl(url)} is unreachable (${(error as Error).message}).`);
      }
    },
    subscribe(onChange) {
      const subscriber = createRedisClient(url, 'subscriber');
      subscribers.add(subscriber);
      const subscribeThenReload = () =>
        subscriber.subscribe(channel).then(
          () => {
            if (subscribers.has(subscriber)) onChange();
          },
          () => undefined,
        );
      let connectedBefore = false;
      subscriber.on('ready', () => {
        if (!connectedBefore) {
          connectedBefore = true;
          return;
        }
        // Reconnected: subscribe again, then reload for whatever was published meanwhile.
        subscribeThenReload();
      });
      subscriber.on('message', (received: string) => {
        if (received === channel) onChange();
      });
      // A publish between the caller's read() and this SUBSCRIBE is never delivered: reload once the
      // subscription stands (callers make an unchanged reload a no-op).
      subscribeThenReload();
      return () => {
        subscribers.delete(subscriber);
        subscriber.disconnect();
      };
    },
    async close() {
      for (const subscriber of subscribers) subscriber.disconnect();
      subscribers.clear();
      client.disconnect();
    },
  };
}
