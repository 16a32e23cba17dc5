import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import type { GatewayConfig } from '../config/index.js';
import { GatewayErrorCode, GatewayError } from '../errors.js';
import type { GatewayPlugin } from '../plugins/plugin.js';
import { createGatewayMetrics, createLogger, createTracing, type Logger } from '../observability/index.js';
import { createMetricsPlugin } from '../plugins/metrics/index.js';
import type { GatewayContext } from '../request-context.js';
import { CONTEXT_FEATURES, PlanExecutingGateway, SubgraphDataSource, type SubgraphRequestContext } from '../engine/index.js';
import { createSubgraphClient, DEDUP_IGNORED_HEADERS, DEFAULT_SUBGRAPH_TRAFFIC } from '../subgraph-client/index.js';
import {
  createComposedSupergraphSource,
  createFileSupergraphSource,
  prepareSupergraphForEngine,
  createSupergraphHook,
  type LoadedSupergraph,
  type SupergraphSource,
} from '../supergraph/index.js';
import { createRedisSchemaOverrides } from '../supergraph/redis-registry.js';
import { createRequestPipelineApolloPlugin } from './apollo-plugins.js';
import { createPlugins } from './plugins.js';
import { createFormatError } from './format-error.js';
import { createCorsHandler } from './cors.js';
import { createHttpHandler } from './http-handler.js';
import { createTracingApolloPlugin } from './tracing-plugin.js';
import { attachSubscriptionServer } from './subscriptions-ws.js';
import { createSubscriptionTracker } from './subscription-events.js';
import { createGatewayHttpServer } from './http-server.js';
import { createDocumentStore } from './document-store.js';
import { createMaxDepthRule } from './max-depth-rule.js';
import { createOperationLimiter } from './operation-limits.js';

export interface CreateGatewayOptions {
  config: GatewayConfig;
  /** Environment for `${env.X}` references in supergraph.yaml. */
  env?: Record<string, string | undefined>;
  logger?: Logger;
  /** Replaces the config-derived supergraph source (tests, schema registries). */
  supergraphSource?: SupergraphSource;
  /** Added after the config-derived plugins. */
  plugins?: GatewayPlugin[];
}

export interface Gateway {
  /** Not listening until `listen()` (see listen.ts) binds it. */
  readonly httpServer: Server;
  readonly logger: Logger;
  readonly config: GatewayConfig;
  /** The supergraph currently served (undefined before start). */
  readonly supergraph: LoadedSupergraph | undefined;
  /** Loads the supergraph and starts Apollo Server; throws GatewayError on a bad supergraph. */
  start(): Promise<void>;
  /** Stops accepting, lets in-flight requests finish (up to the grace period), then releases everything. */
  stop(): Promise<void>;
}

interface ConfiguredSource {
  source: SupergraphSource;
  /** Releases what the source holds beyond the engine's cleanup (the Redis registry's connections). */
  close?: () => Promise<void>;
}

function sourceFromConfig(config: GatewayConfig, env: Record<string, string | undefined>): ConfiguredSource {
  const supergraph = config.supergraph;
  if (supergraph.source === 'file') return { source: createFileSupergraphSource({ path: supergraph.path, watch: supergraph.watch }) };
  // With Redis, subgraph SDLs published to the registry replace the files and every replica follows.
  const registry = config.redis.url ? createRedisSchemaOverrides({ url: config.redis.url }) : undefined;
  const source = createComposedSupergraphSource({
    configPath: supergraph.configPath,
    env,
    watch: supergraph.watch,
    pollIntervalSeconds: supergraph.pollIntervalSeconds,
    overrides: registry,
  });
  return { source, close: registry?.close };
}

/**
 * @apollo/gateway starts an OTLP exporter of usage metrics to Apollo's servers in its constructor
 * unless APOLLO_TELEMETRY_DISABLED is set: a self-hosted gateway must not phone home by default. The
 * variable is set for the constructor only, and left as it was.
 */
function withApolloTelemetry<T>(optIn: boolean, build: () => T): T {
  if (optIn) return build();
  const previous = process.env.APOLLO_TELEMETRY_DISABLED;
  process.env.APOLLO_TELEMETRY_DISABLED = 'true';
  try {
    return build();
  } finally {
    if (previous === undefined) delete process.env.APOLLO_TELEMETRY_DISABLED;
    else process.env.APOLLO_TELEMETRY_DISABLED = previous;
  }
}

/**
 * The request's part of the inbound-dedup key: every header any subgraph receives from this request
 * (identity, forwarded client headers) except per-request tracing ones. Undefined — never share — when
 * inbound dedup is off or some subgraph passes response headers back (they belong to one caller).
 */
function sharingHeadersFor(config: GatewayConfig): ((context: SubgraphRequestContext) => string | undefined) | undefined {
  const { defaults, overrides } = config.subgraphs;
  const all = [defaults, ...Object.values(overrides)];
  if (!config.server.inboundDedup || all.some((settings) => settings.responseHeaders?.length)) return undefined;
  const forwarded = [...new Set([...DEFAULT_SUBGRAPH_TRAFFIC.forwardHeaders, ...all.flatMap((settings) => settings.forwardHeaders ?? [])])]
    .filter((name) => !DEDUP_IGNORED_HEADERS.has(name))
    .sort();
  return (context) => {
    let key = '';
    const fixed = context.subgraphHeaders ?? {};
    for (const name of Object.keys(fixed).sort()) if (!DEDUP_IGNORED_HEADERS.has(name)) key += `${name}\u0000${fixed[name]}\u0000`;
    const incoming = context.incoming?.headers ?? {};
    for (const name of forwarded) key += `${name}\u0000${String(incoming[name] ?? '')}\u0000`;
    return key;
  };
}

/** Builds the whole gateway without binding a port, so tests and the benchmark run it in-process. */
export function createGateway(options: CreateGatewayOptions): Gateway {
  const { config } = options;
  const logger = options.logger ?? createLogger({ level: config.logging.level });
  const metrics = config.metrics.enabled ? createGatewayMetrics({ collectProcessMetrics: config.metrics.processMetrics }) : undefined;
  const plugins = [
    ...(metrics ? [createMetricsPlugin({ metrics, path: config.metrics.path })] : []),
    ...createPlugins({ config, logger, metrics }),
    ...(options.plugins ?? []),
  ];
  let supergraph: LoadedSupergraph | undefined;
  let ready = false;
  let stopping = false;

  const configured = options.supergraphSource ? { source: options.supergraphSource } : sourceFromConfig(config, options.env ?? {});
  const subgraphClient = createSubgraphClient({ config: config.subgraphs, logger: logger.child({ component: 'subgraph-client' }) });
  // A SECURITY/EXECUTION feature that neither the engine nor a plugin enforces fails the load (closed).
  // Switchyard's executor passes @context values to subgraphs; Apollo's (server.executor: apollo) cannot.
  const enforcedFeatures = new Set([
    ...plugins.flatMap((e) => [...(e.enforcesFeatures ?? [])]),
    ...(config.server.executor === 'apollo' ? [] : CONTEXT_FEATURES),
  ]);
  const signRequest = plugins.find((e) => e.signSubgraphRequest)?.signSubgraphRequest;
  // The data sources Apollo's gateway builds for the current supergraph, by subgraph name (our executor fetches through them).
  const dataSources = new Map<string, SubgraphDataSource>();
  const apolloGateway = withApolloTelemetry(
    config.server.apolloTelemetry,
    () =>
      new ApolloGateway({
        // Plain @apollo/gateway shows plans to any client sending a header whenever NODE_ENV is not production.
        __exposeQueryPlanExperimental: config.server.exposeQueryPlans,
        // Sized by the plans' JSON length (Apollo's approximateObjectSize); at least 1 MiB.
        experimental_approximateQueryPlanStoreMiB: Math.max(1, Math.round(config.caches.queryPlanBytes / 2 ** 20)),
        supergraphSdl: createSupergraphHook({
          source: configured.source,
          logger,
          prepare: (sdl) => prepareSupergraphForEngine(sdl, enforcedFeatures),
          onModel: (model) => {
            for (const plugin of plugins) plugin.onSupergraph?.(model);
          },
          onLoaded: (loaded, model) => {
            supergraph = loaded;
            // Subgraphs that left the supergraph release their pools (names from its join__Graph enum).
            if (model.subgraphNames.length > 0) subgraphClient.retain(model.subgraphNames);
          },
        }),
        buildService: ({ name, url }) => {
          const dataSource = new SubgraphDataSource({
            name,
            url: url ?? '',
            logger,
            client: subgraphClient,
            mergeCacheControl: config.subgraphs.mergeCacheControl,
            signRequest,
            maxQueuedEvents: config.subscriptions.maxQueuedEvents,
            deduplicateSubscriptions: config.subscriptions.deduplicate,
            onFetch: metrics?.observeSubgraphFetch,
          });
          dataSources.set(name, dataSource);
          return dataSource;
        },
        logger: logger.child({ component: 'engine' }),
      }),
  );
  const engine =
    config.server.executor === 'apollo'
      ? apolloGateway
      : new PlanExecutingGateway({
          apollo: apolloGateway,
          dataSource: (name) => dataSources.get(name),
          logger: logger.child({ component: 'executor' }),
          planCacheBytes: config.caches.queryPlanBytes,
          exposeQueryPlans: config.server.exposeQueryPlans,
          overrideLabels: config.server.overrideLabels,
          sharingHeaders: sharingHeadersFor(config),
          onShared: metrics?.countSharedExecution,
          onFallback: metrics?.countExecutorFallback,
          executionConcurrency: config.server.executionConcurrency,
          onQueued: metrics?.countQueuedExecution,
        });

  // Built first: Apollo's drain plugin needs it. The request handler is set once Apollo exists.
  const handle: { current?: (request: IncomingMessage, response: ServerResponse) => void } = {};
  const httpServer = createGatewayHttpServer({
    maxHeaderBytes: config.server.maxHeaderBytes,
    metrics,
    routeOf: (path) =>
      path === config.server.graphqlPath
        ? 'graphql'
        : path === '/health' || path === '/ready' || path === '/live'
          ? 'health'
          : path === config.metrics.path
            ? 'metrics'
            : path === '/'
              ? 'root'
              : 'other',
    handle: (request, response) => handle.current!(request, response),
  });

  const formatError = createFormatError(logger);
  const tracing = config.tracing.enabled
    ? createTracing({
        endpoint: config.tracing.endpoint,
        serviceName: config.tracing.serviceName,
        sampleRatio: config.tracing.sampleRatio,
        exportDelayMs: config.tracing.exportDelayMs,
      })
    : undefined;
  const validationRules = [createMaxDepthRule(config.limits.maxDepth)];
  const documentStore = createDocumentStore(config.caches.documentBytes, { introspection: config.server.introspection, validationRules });
  const apollo = new ApolloServer<GatewayContext>({
    gateway: engine,
    introspection: config.server.introspection,
    includeStacktraceInErrorResponses: false,
    // main.ts handles SIGINT/SIGTERM itself. Apollo's own handler would call stop() concurrently,
    // and Apollo Server 5.5 never releases a second stop() caller once the first succeeds: hang.
    stopOnTerminationSignals: false,
    formatError,
    // Also for documents the HTTP layer's limits never saw (an APQ hash registered elsewhere).
    validationRules,
    // Suggestions ("Did you mean …?") name schema elements: off whenever introspection is.
    hideSchemaDetailsFromClientErrors: !config.server.introspection,
    documentStore,
    // The HTTP layer resolves APQ and trusted documents (persisted-documents plugin), byte-bounded or on Redis.
    persistedQueries: false,
    // Apollo's own landing pages load Apollo Sandbox from a CDN; the playground plugin serves ours.
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: config.server.shutdownGraceMs }),
      createRequestPipelineApolloPlugin(),
      createTracingApolloPlugin(),
      { serverWillStart: async () => ({ schemaDidLoadOrUpdate: ({ apiSchema }) => documentStore.useSchema(apiSchema) }) },
      ApolloServerPluginLandingPageDisabled(),
      ...plugins.flatMap((plugin) => plugin.apolloPlugins ?? []),
    ],
    logger: logger.child({ component: 'apollo' }),
  });

  const operationLimits = createOperationLimiter(config.limits);
  const subscriptionTracker = createSubscriptionTracker(config.subscriptions.maxPerClient, metrics);
  // Subscriptions need Switchyard's executor (Apollo's refuses them).
  const subscriptionServer =
    config.server.executor === 'apollo' || !config.subscriptions.enabled
      ? undefined
      : attachSubscriptionServer({
          httpServer,
          path: config.server.graphqlPath,
          apollo,
          logger: logger.child({ component: 'subscriptions' }),
          plugins,
          formatError,
          operationLimits,
          documentStore,
          maxMessageBytes: config.server.bodyLimitBytes,
          limits: config.subscriptions,
          tracker: subscriptionTracker,
        });

  handle.current = createHttpHandler({
    apollo,
    subscriptions: subscriptionServer
      ? { tracker: subscriptionTracker, formatError, keepAliveMs: config.subscriptions.keepAliveMs, maxPerClient: config.subscriptions.maxPerClient }
      : undefined,
    tracing,
    requestTimeoutMs: config.server.requestTimeoutMs,
    formatError,
    graphqlPath: config.server.graphqlPath,
    bodyLimitBytes: config.server.bodyLimitBytes,
    logger,
    logRequests: config.logging.requests,
    plugins,
    operationLimits,
    documentStore,
    cors: createCorsHandler(config.cors),
    compression: config.server.compression.enabled ? config.server.compression : undefined,
    notReadyReasons: () => {
      const reasons: string[] = [];
      if (!ready) reasons.push(stopping ? 'shutting down: finishing in-flight requests' : 'starting: the supergraph is not loaded yet');
      for (const plugin of plugins) {
        const reason = plugin.notReadyReason?.();
        if (reason) reasons.push(reason);
      }
      return reasons;
    },
  });

  return {
    httpServer,
    logger,
    config,
    get supergraph() {
      return supergraph;
    },
    async start() {
      for (const plugin of plugins) {
        try {
          await plugin.start?.();
        } catch (error) {
          throw new GatewayError(GatewayErrorCode.CONFIG_INVALID, (error as Error).message);
        }
      }
      await tracing?.ready;
      await apollo.start();
      ready = true;
    },
    async stop() {
      ready = false;
      stopping = true;
      const graceEnds = Date.now() + config.server.shutdownGraceMs;
      // Subscriptions end first: their subgraph sides close, the events already received are
      // delivered and each stream completes (within the grace); then the sockets close with 1001,
      // which the HTTP server's close would otherwise wait for.
      await subscriptionTracker.drain(config.server.shutdownGraceMs);
      await subscriptionServer?.dispose().catch((error: unknown) => logger.warn({ err: error }, 'closing subscription sockets failed'));
      // Apollo's drain plugin stops accepting, lets in-flight requests finish within the grace, then
      // closes the connections left.
      await apollo.stop().catch((error: unknown) => logger.warn({ err: error }, 'apollo stop failed'));
      for (const plugin of plugins) await plugin.stop?.();
      await configured.close?.();
      // Spans still buffered go out before the process ends.
      await tracing?.shutdown().catch((error: unknown) => logger.warn({ err: error }, 'exporting the last traces failed'));
      // Subgraph fetches still running past the grace period are aborted, not awaited.
      await subgraphClient.close(Math.max(0, graceEnds - Date.now()));
    },
  };
}
