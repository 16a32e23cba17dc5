import { Redis } from 'ioredis';
import { describeRedisUrl } from '../shared-state/redis.js';
import type { SubgraphSdlOverrides } from '../supergraph/index.js';

/** Hash of published subgraph schemas: field = subgraph name, value = JSON `PublishedSchema`. */
export const DEFAULT_SCHEMAS_KEY = 'switchyard:schemas';
/** Pub/sub channel told `{ name, version }` after every publish. */
export const DEFAULT_SCHEMAS_CHANNEL = 'switchyard:schemas:published';
/** How long a Redis connection attempt may take before the command fails (no endless queueing). */
export const DEFAULT_REGISTRY_CONNECT_TIMEOUT_MS = 2_000;

export interface PublishedSchema {
  sdl: string;
  /** Per subgraph, 1 for the first publish, +1 each time. */
  version: number;
  publishedAt: string;
}

export interface RedisRegistryOptions {
  url: string;
  key?: string;
  channel?: string;
}

/**
 * Creates a client. Command clients fail quickly while Redis is down instead of queueing forever;
 * a subscriber waits for the connection instead, and ioredis resubscribes it after a reconnect.
 */
export function createRedisClient(url: string, mode: 'commands' | 'subscriber' = 'commands'): Redis {
  const client = new Redis(url, {
    lazyConnect: true,
    // ioredis resubscribes after a reconnect with a promise nobody handles: a connection closed
    // before the reply then becomes an unhandled rejection. Subscribers resubscribe themselves.
    autoResubscribe: false,
    connectTimeout: DEFAULT_REGISTRY_CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: mode === 'commands' ? 1 : null,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  // Errors surface through the failing commands; the event only needs a listener.
  client.on('error', () => undefined);
  return client;
}

/** Parses the registry hash into name → published schema; a corrupt entry is an error naming it. */
export function parsePublishedSchemas(hash: Record<string, string>, key = DEFAULT_SCHEMAS_KEY): Map<string, PublishedSchema> {
  const result = new Map<string, PublishedSchema>();
  for (const [name, value] of Object.entries(hash)) {
    let entry: Partial<PublishedSchema>;
    try {
      entry = JSON.parse(value) as Partial<PublishedSchema>;
    } catch {
      throw new Error(`Redis ${key} field "${name}" is not valid JSON; republish that subgraph.`);
    }
    if (typeof entry.sdl !== 'string' || typeof entry.version !== 'number') {
      throw new Error(`Redis ${key} field "${name}" lacks sdl or version; republish that subgraph.`);
    }
    result.set(name, entry as PublishedSchema);
  }
  return result;
}

export interface RedisSchemaOverrides extends SubgraphSdlOverrides {
  /** Closes both connections (commands and subscription). */
  close(): Promise<void>;
}

/**
 * The gateway side of the Redis schema registry: `get` reads every published SDL; `subscribe`
 * listens on the channel, and also fires once the first SUBSCRIBE is acknowledged and after a
 * reconnect, since publishes made before or while the connection was down are not replayed by pub/sub.
 */
export function createRedisSchemaOverrides(options: RedisRegistryOptions): RedisSchemaOverrides {
  const key = options.key ?? DEFAULT_SCHEMAS_KEY;
  const channel = options.channel ?? DEFAULT_SCHEMAS_CHANNEL;
  const client = createRedisClient(options.url);
  const subscribers = new Set<Redis>();
  return {
    async get() {
      let hash: Record<string, string>;
      try {
        hash = await client.hgetall(key);
      } catch (error) {
        throw new Error(`Schema registry: Redis at ${describeRedisUrl(options.url)} is unreachable (${(error as Error).message}).`);
      }
      const published = parsePublishedSchemas(hash, key);
      return new Map([...published].map(([name, entry]) => [name, entry.sdl]));
    },
    subscribe(onChange) {
      const subscriber = createRedisClient(options.url, 'subscriber');
      subscribers.add(subscriber);
      let connectedBefore = false;
      subscriber.on('ready', () => {
        if (!connectedBefore) {
          connectedBefore = true;
          return;
        }
        // Reconnected: subscribe again, then reload for whatever was published meanwhile.
        subscriber.subscribe(channel).then(
          () => {
            if (subscribers.has(subscriber)) onChange();
          },
          () => undefined,
        );
      });
      subscriber.on('message', (received: string) => {
        if (received === channel) onChange();
      });
      // A publish between the caller's load() and this SUBSCRIBE is never delivered: reload once the
      // subscription stands (the supergraph id comparison makes it a no-op when nothing changed).
      subscriber.subscribe(channel).then(
        () => {
          if (subscribers.has(subscriber)) onChange();
        },
        () => undefined,
      );
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
