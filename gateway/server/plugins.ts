import type { GatewayConfig } from '../config/index.js';
import type { GatewayPlugin } from '../plugins/plugin.js';
import type { GatewayMetrics, Logger } from '../observability/index.js';
import { createAuthPlugin } from '../plugins/auth/index.js';
import { createCostPlugin } from '../plugins/cost/index.js';
import {
  APQ_KEY_PREFIX,
  PERSISTED_DOCUMENTS_CHANNEL,
  PERSISTED_DOCUMENTS_KEY,
  createFileManifestSource,
  createMemoryApqStore,
  createPersistedDocumentsPlugin,
  createRedisApqStore,
  createRedisManifestSource,
} from '../plugins/persisted-documents/index.js';
import { createPlaygroundPlugin } from '../plugins/playground/index.js';
import { createRateLimitPlugin } from '../plugins/rate-limit/index.js';
import { createRedisHashFeed } from '../redis-hash-feed.js';
import { createRedisConnection } from '../redis.js';

export interface PluginDependencies {
  config: GatewayConfig;
  logger: Logger;
  /** Where plugins report what they measure (operation cost); undefined when metrics are off. */
  metrics?: GatewayMetrics;
}

/**
 * Orders plugins so each runs after those its `after` names (when enabled), keeping the given order
 * otherwise. Throws on a cycle: that is a programming error, caught by the tests.
 */
export function orderPlugins(plugins: readonly GatewayPlugin[]): GatewayPlugin[] {
  const byName = new Map(plugins.map((plugin) => [plugin.name, plugin]));
  const ordered: GatewayPlugin[] = [];
  const state = new Map<GatewayPlugin, 'visiting' | 'done'>();
  const visit = (plugin: GatewayPlugin) => {
    if (state.get(plugin) === 'done') return;
    if (state.get(plugin) === 'visiting') throw new Error(`Plugin order has a cycle through "${plugin.name}".`);
    state.set(plugin, 'visiting');
    for (const name of plugin.after ?? []) {
      const before = byName.get(name);
      if (before) visit(before);
    }
    state.set(plugin, 'done');
    ordered.push(plugin);
  };
  plugins.forEach(visit);
  return ordered;
}

/**
 * The one place that turns config into the enabled capabilities. Each capability lives in
 * `gateway/plugins/<name>` and states what it must run after (`after`); `orderPlugins` honours it.
 */
export function createPlugins(deps: PluginDependencies): GatewayPlugin[] {
  const { config, logger } = deps;
  const plugins: GatewayPlugin[] = [];
  const needsRedis = config.rateLimit.enabled || (config.apq.enabled && config.apq.store === 'redis');
  const redis = needsRedis && config.redis.url ? createRedisConnection({ url: config.redis.url, logger }) : undefined;
  const credentialHeaders = ['authorization', config.auth.apiKeys.header];
  const rateLimit = config.rateLimit.enabled
    ? createRateLimitPlugin({ ...config.rateLimit, credentialHeaders, redis: redis?.client, logger })
    : undefined;
  if (rateLimit) plugins.push(rateLimit.failedAuthGuard);
  if (config.auth.enabled)
    plugins.push(
      createAuthPlugin({ config: config.auth, secrets: config.secrets, logger, filterCacheBytes: config.caches.authorizationFilterBytes }),
    );
  const documents = config.persistedDocuments;
  if (documents.mode !== 'off' || config.apq.enabled) {
    const manifest =
      documents.mode === 'off'
        ? undefined
        : documents.source === 'redis'
          ? createRedisManifestSource(
              createRedisHashFeed({
                url: config.redis.url!,
                key: PERSISTED_DOCUMENTS_KEY,
                channel: PERSISTED_DOCUMENTS_CHANNEL,
                what: 'Persisted documents',
              }),
              { logger },
            )
          : createFileManifestSource(documents.manifest!, { watch: documents.watch, logger });
    const apq = !config.apq.enabled
      ? undefined
      : config.apq.store === 'redis'
        ? createRedisApqStore(redis!.client, { prefix: APQ_KEY_PREFIX, ttlSeconds: config.apq.ttlSeconds })
        : createMemoryApqStore(config.apq.memoryBytes);
    plugins.push(createPersistedDocumentsPlugin({ mode: documents.mode, manifest, arbitraryScope: documents.arbitraryScope, apq, logger }));
  }
  if (config.cost.enabled) plugins.push(createCostPlugin({ ...config.cost, logger, onEstimate: deps.metrics?.observeOperationCost }));
  if (rateLimit) plugins.push(rateLimit);
  if (config.playground.enabled) {
    plugins.push(createPlaygroundPlugin({ graphqlPath: config.server.graphqlPath, title: config.playground.title }));
  }
  const ordered = orderPlugins(plugins);
  // Last, so the connection closes after every plugin that uses it has stopped.
  if (redis) ordered.push({ name: 'redis', stop: redis.stop });
  return ordered;
}
