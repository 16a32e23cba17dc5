import { createRedisHashFeed } from '../redis-hash-feed.js';
import type { SubgraphSdlOverrides } from './index.js';

/** Hash of published subgraph schemas: field = subgraph name, value = JSON `PublishedSchema`. */
export const DEFAULT_SCHEMAS_KEY = 'switchyard:schemas';
/** Pub/sub channel told `{ name, version }` after every publish. */
export const DEFAULT_SCHEMAS_CHANNEL = 'switchyard:schemas:published';

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
 * follows the publishes (see RedisHashFeed).
 */
export function createRedisSchemaOverrides(options: RedisRegistryOptions): RedisSchemaOverrides {
  const key = options.key ?? DEFAULT_SCHEMAS_KEY;
  const feed = createRedisHashFeed({ url: options.url, key, channel: options.channel ?? DEFAULT_SCHEMAS_CHANNEL, what: 'Schema registry' });
  return {
    async get() {
      const published = parsePublishedSchemas(await feed.read(), key);
      return new Map([...published].map(([name, entry]) => [name, entry.sdl]));
    },
    subscribe: (onChange) => feed.subscribe(onChange),
    close: () => feed.close(),
  };
}
