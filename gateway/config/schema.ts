import { z } from 'zod';
import { corsSchema } from './cors-schema.js';
import { authSchema } from './auth-schema.js';
import type { GatewaySecrets } from './secrets.js';
import { limitsConfigShape } from './limits-schema.js';
import { apqSchema, cachesSchema, checkDocumentSettings, operationLimitsSchema, persistedDocumentsSchema } from './operation-limits-schema.js';

export * from './auth-schema.js';
export { MIN_SECRET_BYTES, type GatewaySecrets } from './secrets.js';
export * from './operation-limits-schema.js';
import { refuseForwardedApiKeyHeader, subgraphsSchema } from './subgraphs-schema.js';

export { type SubgraphsConfig } from './subgraphs-schema.js';

/** Defaults for every runtime setting; `loadConfig` layers the config file and env vars over these. */
export const DEFAULT_PORT = 4000;
export const DEFAULT_HOST = '0.0.0.0';
export const DEFAULT_SUPERGRAPH_CONFIG = 'supergraph.yaml';
export const DEFAULT_POLL_INTERVAL_SECONDS = 10;
export const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;
export const DEFAULT_PLAYGROUND_TITLE = 'Switchyard playground';
/** One process; `auto` forks one worker per CPU (node:cluster). */
export const DEFAULT_WORKERS = 1;

/** GraphQL over WebSocket subscriptions (Switchyard's executor only). */
const subscriptionsSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Subscriptions one client (JWT subject, API-key client, else address) may run at once; more are refused with RATE_LIMITED. */
    maxPerClient: z.number().int().min(1).default(50),
    /** Events a subscription may have waiting (received from the subgraph, not yet handled); past it the subscription ends with SUBSCRIPTION_TOO_SLOW. */
    maxQueuedEvents: z.number().int().min(1).default(100),
    /** WebSocket ping interval; a socket that did not answer the previous ping is closed. 0 turns it off. */
    keepAliveMs: z.number().int().min(0).default(12_000),
    /** Identical subscriptions (document, variables, every header reaching the subgraph but the per-request ones) share one subgraph subscription. */
    deduplicate: z.boolean().default(true),
  })
  .strict();

const serverSchema = z
  .object({
    port: z.number().int().min(0).max(65_535).default(DEFAULT_PORT),
    host: z.string().min(1).default(DEFAULT_HOST),
    graphqlPath: z.string().startsWith('/').default('/graphql'),
    /** Largest accepted request body; larger ones get 413 before any parsing. */
    bodyLimitBytes: z.number().int().positive().default(1_048_576),
    /** Largest request head (request line and headers); larger ones get a JSON 431. Node's default. */
    maxHeaderBytes: z.number().int().min(1024).default(16_384),
    /** Send Apollo's usage telemetry (Apollo GraphOS "fleet" metrics) from @apollo/gateway: off unless you opt in. */
    apolloTelemetry: z.boolean().default(false),
    /**
     * Who executes query plans: `switchyard` (ours; what it does not run goes to Apollo's, counted in
     * switchyard_executor_fallbacks_total) or `apollo` (@apollo/gateway's executor for everything).
     */
    executor: z.enum(['switchyard', 'apollo']).default('switchyard'),
    /**
     * Progressive `@override(label:)` labels that are on (Switchyard's executor). `percent(N)` labels
     * need no entry: each request draws them (on for N % of requests). Labels not listed are off.
     */
    overrideLabels: z.array(z.string().min(1)).default([]),
    /**
     * Identical queries in flight at the same moment share one execution (Switchyard's executor) when
     * everything that reaches a subgraph is equal: document, variables, operation name, identity and
     * forwarded headers. Never with subgraph `responseHeaders` configured (they go back to one caller).
     */
    inboundDedup: z.boolean().default(true),
    /**
     * While the event loop is saturated (utilisation ≥ `busyAbove`; 0: always), at most `limit` plan executions
     * run at once (0: no limit); the others wait in arrival order. An execution stops counting after
     * `releaseAfterMs`, so a slow subgraph cannot hold the others back. Ends each request sooner on a
     * CPU-bound gateway, so its data dies young (gateway/engine/executor/admission.ts).
     */
    executionConcurrency: z
      .object({
        limit: z.number().int().min(0).default(8),
        busyAbove: z.number().min(0).max(1).default(0.9),
        releaseAfterMs: z.number().int().min(1).max(60_000).default(500),
      })
      .strict()
      .default({ limit: 8, busyAbove: 0.9, releaseAfterMs: 500 }),
    /** Answer the `Apollo-Query-Plan-Experimental` header with the query plan (development aid; leaks plans). */
    exposeQueryPlans: z.boolean().default(false),
    /**
     * A GraphQL request's deadline: one signal per request, aborted at this age, that every subgraph
     * query fetch of the request follows (each within its own subgraph timeout too); fetches cut by it
     * are SUBGRAPH_TIMEOUT errors at their paths, beside the data that arrived. Mutations already sent finish.
     */
    requestTimeoutMs: z.number().int().min(1).default(30_000),
    /** How long shutdown waits for in-flight requests before closing connections. */
    shutdownGraceMs: z.number().int().min(0).default(DEFAULT_SHUTDOWN_GRACE_MS),
    /** Serve introspection; unless set, follows `playground.enabled` (off under NODE_ENV=production). */
    introspection: z.boolean().default(true),
    /**
     * Compress GraphQL responses (brotli quality 4 or gzip, by Accept-Encoding; the `compression`
     * package) when they are at least `thresholdBytes`. The playground page is precompressed always.
     */
    compression: z
      .object({ enabled: z.boolean().default(true), thresholdBytes: z.number().int().min(0).default(1024) })
      .strict()
      .default({ enabled: true, thresholdBytes: 1024 }),
    /** Worker processes sharing the port: a count, or `auto` for one per CPU. 1 runs no cluster. */
    workers: z.union([z.literal('auto'), z.number().int().min(1).max(256)]).default(DEFAULT_WORKERS),
  })
  .strict();

/** Where the supergraph comes from: composed from supergraph.yaml, or a precomposed SDL file. */
const supergraphSchema = z.discriminatedUnion('source', [
  z
    .object({
      source: z.literal('compose'),
      /** Path of a rover-format supergraph.yaml. */
      configPath: z.string().min(1).default(DEFAULT_SUPERGRAPH_CONFIG),
      /** Recompose when supergraph.yaml or a schema file it references changes. */
      watch: z.boolean().default(true),
      /** Seconds between polls of `subgraph_url` sources (0 turns polling off). */
      pollIntervalSeconds: z.number().min(0).default(DEFAULT_POLL_INTERVAL_SECONDS),
    })
    .strict(),
  z
    .object({
      source: z.literal('file'),
      /** Path of a precomposed supergraph SDL (as written by `npm run compose`). */
      path: z.string().min(1),
      watch: z.boolean().default(true),
    })
    .strict(),
]);

const loggingSchema = z
  .object({
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** One log line per request (request id, operation, duration, outcome). */
    requests: z.boolean().default(true),
  })
  .strict();

/**
 * The browser playground (GraphiQL served by the gateway itself). `enabled` defaults to
 * NODE_ENV !== 'production' (resolved in `loadConfig`); `server.introspection` follows it unless set.
 */
const playgroundSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Page title shown in the browser tab. */
    title: z.string().min(1).default(DEFAULT_PLAYGROUND_TITLE),
  })
  .strict();

/** Redis shared by replicas (schema registry, rate-limit counters); unset means embedded, single-process mode. */
const redisSchema = z
  .object({
    /** `redis://[user:password@]host:port[/db]`; set it through REDIS_URL to keep the password out of files. */
    url: z
      .string()
      .regex(/^rediss?:\/\//, 'expected a redis:// or rediss:// URL')
      .optional(),
  })
  .strict();

/**
 * OpenTelemetry traces over OTLP/HTTP: off unless enabled. Standard variables apply: OTEL_SERVICE_NAME,
 * OTEL_TRACES_SAMPLER_ARG, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (or OTEL_EXPORTER_OTLP_ENDPOINT, to which
 * the exporter appends /v1/traces), OTEL_EXPORTER_OTLP_HEADERS.
 */
const tracingSchema = z
  .object({
    enabled: z.boolean().default(false),
    /** The OTLP/HTTP traces URL (`…/v1/traces`); unset: from the OTEL_EXPORTER_OTLP_* variables, else http://localhost:4318/v1/traces. */
    endpoint: z.url({ protocol: /^https?$/ }).optional(),
    serviceName: z.string().min(1).default('switchyard'),
    /** Share of new traces recorded, 0–1 (a caller's sampled `traceparent` is followed either way). */
    sampleRatio: z.number().min(0).max(1).default(1),
    /** Spans are exported in batches at most this long after they end. */
    exportDelayMs: z.number().int().min(1).default(5_000),
  })
  .strict();

/** Prometheus metrics (prom-client) served on the gateway's port. */
const metricsSchema = z
  .object({
    enabled: z.boolean().default(true),
    path: z.string().startsWith('/').default('/metrics'),
    /** Node process metrics (CPU, memory, event-loop lag, GC) beside the gateway's own. */
    processMetrics: z.boolean().default(true),
  })
  .strict();

export const configSchema = z
  .object({
    server: serverSchema.default(() => serverSchema.parse({})),
    supergraph: supergraphSchema.default(() => supergraphSchema.parse({ source: 'compose' })),
    logging: loggingSchema.default(() => loggingSchema.parse({})),
    metrics: metricsSchema.default(() => metricsSchema.parse({})),
    tracing: tracingSchema.default(() => tracingSchema.parse({})),
    subscriptions: subscriptionsSchema.default(() => subscriptionsSchema.parse({})),
    auth: authSchema.default(() => authSchema.parse({})),
    playground: playgroundSchema.default(() => playgroundSchema.parse({})),
    /** Cross-origin access from browsers; off unless origins are listed. */
    cors: corsSchema.default(() => corsSchema.parse({})),
    redis: redisSchema.default(() => redisSchema.parse({})),
    /** Subgraph traffic: timeouts, retries, breaker, bulkhead, dedup, replicas, headers. */
    subgraphs: subgraphsSchema.default(() => subgraphsSchema.parse({})),
    ...limitsConfigShape,
    /** Operation limits checked before validation (tokens, depth, aliases, root fields, directives, fields). */
    limits: operationLimitsSchema.default(() => operationLimitsSchema.parse({})),
    /** Byte budgets of the per-document caches. */
    caches: cachesSchema.default(() => cachesSchema.parse({})),
    /** Trusted documents (persisted operations). */
    persistedDocuments: persistedDocumentsSchema.default(() => persistedDocumentsSchema.parse({})),
    /** Automatic persisted queries. */
    apq: apqSchema.default(() => apqSchema.parse({})),
  })
  .strict()
  .superRefine(refuseForwardedApiKeyHeader)
  .superRefine(checkDocumentSettings);

/** The validated, frozen configuration every module receives, with the secrets it names read from the environment. */
export type GatewayConfig = z.infer<typeof configSchema> & { readonly secrets: GatewaySecrets };
export type AuthConfig = GatewayConfig['auth'];
/** What a config file or a test may pass: every key optional. */
export type GatewayConfigInput = z.input<typeof configSchema>;
