import { createRedisClient, describeRedisUrl } from '../../redis.js';
import { parseManifest } from './manifest.js';

/**
 * Replaces the trusted documents in Redis with those of `manifestText` (validated first) in one
 * transaction — written under a temporary key, renamed over the live one — and announces it on
 * `channel`, so every replica reloads. Returns the number of documents and of replicas notified.
 */
export async function publishManifestToRedis(options: {
  url: string;
  key: string;
  channel: string;
  manifestText: string;
  source: string;
}): Promise<{ documents: number; notified: number }> {
  const manifest = parseManifest(options.manifestText, options.source);
  if (manifest.byId.size === 0) throw new Error(`${options.source} holds no documents; nothing was published.`);
  const client = createRedisClient(options.url, 'tool');
  try {
    await client.connect().catch((error: Error) => {
      throw new Error(`Redis at ${describeRedisUrl(options.url)} is unreachable (${error.message}); nothing was published.`);
    });
    const staging = `${options.key}:staging`;
    const results = await client
      .multi()
      .del(staging)
      .hset(staging, Object.fromEntries(manifest.byId))
      .rename(staging, options.key)
      .publish(options.channel, String(manifest.byId.size))
      .exec();
    const failed = results?.find(([error]) => error);
    if (!results || failed) throw new Error(`Publishing to Redis failed (${failed?.[0]?.message ?? 'transaction aborted'}); nothing was published.`);
    return { documents: manifest.byId.size, notified: Number(results[3][1]) };
  } finally {
    client.disconnect();
  }
}
