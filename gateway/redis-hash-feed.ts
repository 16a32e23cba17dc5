import type { Redis } from 'ioredis';
import { createRedisClient, describeRedisUrl } from './redis.js';

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
  const client = createRedisClient(url, 'tool');
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
