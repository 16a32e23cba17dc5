import { readFile, rename, writeFile } from 'node:fs/promises';
import type { SupergraphYaml } from '../supergraph/index.js';
import { checkSubgraphSchema, isCheckPassing, type SchemaCheckResult } from './check.js';
import { loadCurrentSubgraphs } from './current-subgraphs.js';
import { DEFAULT_SCHEMAS_CHANNEL, DEFAULT_SCHEMAS_KEY, parsePublishedSchemas, type PublishedSchema } from '../supergraph/redis-registry.js';
import { createRedisClient, describeRedisUrl } from '../redis.js';

export interface PublishRequest {
  yaml: SupergraphYaml;
  subgraph: string;
  sdl: string;
  allowBreaking?: boolean;
}

export type PublishOutcome =
  { published: false; check: SchemaCheckResult } | { published: true; check: SchemaCheckResult; target: string; version?: number; notified?: number };

/** Optimistic-lock retries when another publish changes the registry between check and write. */
export const DEFAULT_PUBLISH_ATTEMPTS = 5;

/**
 * Embedded registry: the schema file supergraph.yaml points to is replaced atomically (write
 * beside it, then rename), so a watching gateway never reads half a file. Nothing is written
 * unless the check passes.
 */
export async function publishToFile(request: PublishRequest): Promise<PublishOutcome> {
  const definition = request.yaml.subgraphs.find((s) => s.name === request.subgraph);
  const current = await loadCurrentSubgraphs(request.yaml);
  const check = checkSubgraphSchema({ current, subgraph: request.subgraph, candidateSdl: request.sdl });
  if (!isCheckPassing(check, request.allowBreaking)) return { published: false, check };
  if (definition!.schema.kind !== 'file') {
    throw new Error(
      `Subgraph "${request.subgraph}" takes its schema from subgraph_url; publish to a file needs schema.file (or configure redis.url).`,
    );
  }
  const path = definition!.schema.path;
  if ((await readFile(path, 'utf8')) !== request.sdl) {
    const temporary = `${path}.${process.pid}.tmp`;
    await writeFile(temporary, request.sdl);
    await rename(temporary, path);
  }
  return { published: true, check, target: path };
}

/**
 * Redis registry: checks against the schemas replicas actually compose (files overridden by what
 * Redis holds), then stores the SDL with the next version and notifies every replica — in one
 * MULTI under WATCH, so a concurrent publish forces a re-check instead of slipping past it.
 */
export async function publishToRedis(request: PublishRequest & { url: string }): Promise<PublishOutcome> {
  const client = createRedisClient(request.url, 'tool');
  try {
    await client.connect().catch((error: Error) => {
      throw new Error(`Redis at ${describeRedisUrl(request.url)} is unreachable (${error.message}); nothing was published.`);
    });
    for (let attempt = 1; attempt <= DEFAULT_PUBLISH_ATTEMPTS; attempt++) {
      await client.watch(DEFAULT_SCHEMAS_KEY);
      const stored = parsePublishedSchemas(await client.hgetall(DEFAULT_SCHEMAS_KEY));
      const overrides = new Map([...stored].map(([name, entry]) => [name, entry.sdl]));
      const current = await loadCurrentSubgraphs(request.yaml, overrides);
      const check = checkSubgraphSchema({ current, subgraph: request.subgraph, candidateSdl: request.sdl });
      if (!isCheckPassing(check, request.allowBreaking)) {
        await client.unwatch();
        return { published: false, check };
      }
      const entry: PublishedSchema = {
        sdl: request.sdl,
        version: (stored.get(request.subgraph)?.version ?? 0) + 1,
        publishedAt: new Date().toISOString(),
      };
      const results = await client
        .multi()
        .hset(DEFAULT_SCHEMAS_KEY, request.subgraph, JSON.stringify(entry))
        .publish(DEFAULT_SCHEMAS_CHANNEL, JSON.stringify({ name: request.subgraph, version: entry.version }))
        .exec();
      if (results) {
        const notified = Number(results[1]?.[1] ?? 0);
        return { published: true, check, target: `redis ${describeRedisUrl(request.url)} ${DEFAULT_SCHEMAS_KEY}`, version: entry.version, notified };
      }
    }
    throw new Error(`The registry kept changing during ${DEFAULT_PUBLISH_ATTEMPTS} attempts; nothing was published. Try again.`);
  } finally {
    client.disconnect();
  }
}
