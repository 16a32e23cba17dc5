import type { GatewayConfig } from '../config/index.js';
import type { GatewayExtension } from '../plugins/plugin.js';
import type { GatewayMetrics, Logger } from '../observability/index.js';
import { createAuthExtension } from '../plugins/auth/index.js';
import { createCostExtension } from '../plugins/cost/index.js';
import {
  APQ_KEY_PREFIX,
  PERSISTED_DOCUMENTS_CHANNEL,
  PERSISTED_DOCUMENTS_KEY,
  createFileManifestSource,
  createMemoryApqStore,
  createPersistedDocumentsExtension,
  createRedisApqStore,
  createRedisManifestSource,
} from '../plugins/persisted-documents/index.js';
import { createPlaygroundExtension } from '../plugins/playground/index.js';
import { createRateLimitExtension } from '../plugins/rate-limit/index.js';
import { createRedisHashFeed } from '../redis-hash-feed.js';
import { createRedisConnection } from '../redis.js';


export interface ExtensionDependencies {
  config: GatewayConfig;
  logger: Logger;
  /** Where extensions read the secrets their config names (process.env at the edge). */
  env?: Record<string, string | undefined>;
  /** Where extensions report what they measure (operation cost); undefined when metrics are off. */
  metrics?: GatewayMetrics;
}

/**
 * The one place that turns config into the enabled capabilities, in the order they run: identity
 * first, then limits and cost, then routes. Each capability lives in `gateway/plugins/<name>`.
 * Cost precedes the rate limit: Apollo starts every plugin's `didResolveOperation` together, in
 * plugin order, and the rate limit reads the cost the cost plugin has just written (`chargeByCost`).
 */
export function createExtensions(deps: ExtensionDependencies): GatewayExtension[] {
  const { config, logger, env = {} } = deps;
  const extensions: GatewayExtension[] = [];
  const needsRedis = config.rateLimit.enabled || (config.apq.enabled && config.apq.store === 'redis');
  const redis = needsRedis && config.redis.url ? createRedisConnection({ url: config.redis.url, logger }) : undefined;
  const credentialHeaders = ['authorization', config.auth.apiKeys.header];
  const rateLimit = config.rateLimit.enabled ? createRateLimitExtension({ ...config.rateLimit, credentialHeaders, redis: redis?.client, logger }) : undefined;
  // Before auth: refuses an IP that spent its failed-authentication budget before verifying anything.
  if (rateLimit) extensions.push(rateLimit.failedAuthGuard);
  if (config.auth.enabled) extensions.push(createAuthExtension({ config: config.auth, env, logger, filterCacheBytes: config.caches.authorizationFilterBytes }));
  const documents = config.persistedDocuments;
  if (documents.mode !== 'off' || config.apq.enabled) {
    const manifest =
      documents.mode === 'off'
        ? undefined
        : documents.source === 'redis'
          ? createRedisManifestSource(
              createRedisHashFeed({ url: config.redis.url!, key: PERSISTED_DOCUMENTS_KEY, channel: PERSISTED_DOCUMENTS_CHANNEL, what: 'Persisted documents' }),
              { logger },
            )
          : createFileManifestSource(documents.manifest!, { watch: documents.watch, logger });
    const apq = !config.apq.enabled
      ? undefined
      : config.apq.store === 'redis'
        ? createRedisApqStore(redis!.client, { prefix: APQ_KEY_PREFIX, ttlSeconds: config.apq.ttlSeconds })
        : createMemoryApqStore(config.apq.memoryBytes);
    // After auth: `listed-or-scoped` reads the caller's scopes.
    extensions.push(createPersistedDocumentsExtension({ mode: documents.mode, manifest, arbitraryScope: documents.arbitraryScope, apq, logger }));
  }
  if (config.cost.enabled) extensions.push(createCostExtension({ ...config.cost, logger, onEstimate: deps.metrics?.observeOperationCost }));
  if (rateLimit) extensions.push(rateLimit);
  if (config.playground.enabled) {
    extensions.push(createPlaygroundExtension({ graphqlPath: config.server.graphqlPath, title: config.playground.title }));
  }
  // Last, so the connection closes after every extension that uses it has stopped.
  if (redis) extensions.push({ name: 'redis', stop: redis.stop });
  return extensions;
}
