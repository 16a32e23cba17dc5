import { z } from 'zod';

/**
 * Traffic settings every subgraph gets unless `subgraphs.defaults` or `subgraphs.overrides.<name>`
 * says otherwise. Resolution order: these constants ← `defaults` ← `overrides.<name>` (key by key,
 * nested objects merged).
 */
export const DEFAULT_SUBGRAPH_TRAFFIC = Object.freeze({
  /** Whole budget for one subgraph fetch, retries included. */
  timeoutMs: 10_000,
  /** Keep-alive connections per subgraph origin (undici Pool). */
  maxConnections: 32,
  retry: Object.freeze({
    /** Total attempts for a query fetch, the first one included (1 turns retries off). */
    maxAttempts: 3,
    /** Exponential backoff base: attempt n waits a random time in [0, min(maxDelayMs, baseDelayMs·2ⁿ⁻¹)]. */
    baseDelayMs: 25,
    maxDelayMs: 500,
    /** Retries may be at most this share of the requests over the last 10 s (plus a floor of 10). */
    budgetRatio: 0.2,
    /** Longest `Retry-After` (429/503) honoured; a longer one gives up instead of waiting. */
    maxRetryAfterMs: 2_000,
  }),
  breaker: Object.freeze({
    /** Opens after this many failed calls in a row (connection errors, 5xx, timeouts). */
    consecutiveFailures: 5,
    /** Also opens when this share of calls failed over `samplingWindowMs` (0 turns it off). */
    failureRatio: 0,
    samplingWindowMs: 10_000,
    /** The ratio rule only applies above this many requests per second. */
    minimumRps: 5,
    /** Open → half-open (one probe call) after this long. */
    halfOpenAfterMs: 5_000,
  }),
  bulkhead: Object.freeze({
    /** Concurrent requests to one subgraph (all replicas together). */
    maxConcurrent: 256,
    /** Requests waiting for a slot; beyond that a fetch fails at once. */
    maxQueue: 1_024,
  }),
  /** Share one HTTP request between identical query fetches in flight (never mutations). */
  dedup: true,
  /** How replicas share the load: `round-robin` or `least-in-flight`. */
  loadBalancing: 'round-robin' as 'round-robin' | 'least-in-flight',
  /** A replica that failed is skipped for this long (while another one is healthy). */
  ejectMs: 10_000,
  /** Client request headers forwarded to the subgraph (lower case). The request id always is. */
  forwardHeaders: Object.freeze(['traceparent', 'tracestate']) as readonly string[],
  /** Subgraph response headers passed through to the client (e.g. `set-cookie`; multiple values appended). */
  responseHeaders: Object.freeze([]) as readonly string[],
  /**
   * Replace subgraph GraphQL error messages by a generic one (codes and paths stay); a subgraph's
   * message may carry internals (a database URL, a stack). On by default under NODE_ENV=production.
   */
  maskErrors: false,
  /** Largest answer read from the subgraph; past it the stream is aborted and the fetch fails (SUBGRAPH_ERROR). */
  maxResponseBytes: 8 * 1024 * 1024,
  /** Errors relayed per fetch; the rest are summed up in one more error. */
  maxErrors: 100,
  /**
   * Error extension keys passed on from the subgraph (besides `code`, always kept); each value at most
   * 1 KB of JSON and 4 levels deep, else dropped. Default none: custom keys may carry internals.
   */
  errorExtensions: Object.freeze([]) as readonly string[],
});

/**
 * Headers that carry the client's credentials. The gateway verifies them; passing them on would hand
 * every subgraph (and whoever reads its logs) a replayable secret. The configured API-key header
 * (`auth.apiKeys.header`) is refused too, by `refuseForwardedApiKeyHeader` on the whole config.
 */
export const CREDENTIAL_HEADER_NAMES: readonly string[] = ['authorization', 'proxy-authorization', 'cookie', 'x-api-key'];
const CREDENTIAL_HEADER_MESSAGE = 'credential headers are verified by the gateway and never forwarded to subgraphs';

const headerName = z.string().regex(/^[a-z0-9!#$%&'*+.^_`|~-]+$/, 'must be a lower-case HTTP header name');
const positiveInt = z.number().int().positive();

const trafficFields = {
  timeoutMs: positiveInt.optional(),
  maxConnections: positiveInt.optional(),
  retry: z
    .object({
      maxAttempts: positiveInt.max(10).optional(),
      baseDelayMs: z.number().int().min(0).optional(),
      maxDelayMs: z.number().int().min(0).optional(),
      budgetRatio: z.number().min(0).max(1).optional(),
      maxRetryAfterMs: z.number().int().min(0).optional(),
    })
    .strict()
    .optional(),
  breaker: z
    .object({
      consecutiveFailures: positiveInt.optional(),
      // 0 turns the sampling breaker off; cockatiel's SamplingBreaker throws at 1 and above.
      failureRatio: z.number().min(0).lt(1, 'must be below 1 (0 = off)').optional(),
      samplingWindowMs: positiveInt.optional(),
      minimumRps: z.number().min(0).optional(),
      halfOpenAfterMs: positiveInt.optional(),
    })
    .strict()
    .optional(),
  bulkhead: z
    .object({ maxConcurrent: positiveInt.optional(), maxQueue: z.number().int().min(0).optional() })
    .strict()
    .optional(),
  dedup: z.boolean().optional(),
  loadBalancing: z.enum(['round-robin', 'least-in-flight']).optional(),
  ejectMs: z.number().int().min(0).optional(),
  forwardHeaders: z
    .array(
      headerName
        .refine((name) => !IDENTITY_HEADER_NAMES.includes(name), {
          message: 'identity headers are set by the gateway from verified credentials and cannot be forwarded from clients',
        })
        .refine((name) => !CREDENTIAL_HEADER_NAMES.includes(name), { message: CREDENTIAL_HEADER_MESSAGE }),
    )
    .optional(),
  responseHeaders: z.array(headerName).optional(),
  maskErrors: z.boolean().optional(),
  maxResponseBytes: positiveInt.optional(),
  maxErrors: z.number().int().min(0).optional(),
  errorExtensions: z.array(z.string().min(1)).optional(),
};

/**
 * Headers that assert who the caller is, or prove the gateway sent the request. Only the gateway sets
 * them (auth plugin, request signing); forwarding a client's copy would let it claim any identity.
 */
export const IDENTITY_HEADER_NAMES: readonly string[] = ['x-user-id', 'x-user-scopes', 'x-client-id', 'x-switchyard-timestamp', 'x-switchyard-signature'];

/** Adds an issue for each `forwardHeaders` entry naming the configured API-key header. */
export function refuseForwardedApiKeyHeader(
  config: { auth: { apiKeys: { header: string } }; subgraphs: z.output<typeof subgraphsSchema> },
  context: z.RefinementCtx,
): void {
  const header = config.auth.apiKeys.header;
  const check = (list: readonly string[] | undefined, path: Array<string | number>) =>
    list?.forEach((name, i) => {
      if (name === header) context.addIssue({ code: 'custom', path: [...path, 'forwardHeaders', i], message: `${CREDENTIAL_HEADER_MESSAGE} (auth.apiKeys.header)` });
    });
  check(config.subgraphs.defaults.forwardHeaders, ['subgraphs', 'defaults']);
  for (const [name, override] of Object.entries(config.subgraphs.overrides)) check(override.forwardHeaders, ['subgraphs', 'overrides', name]);
}

const trafficSchema = z.object(trafficFields).strict();

/** `subgraphs`: how the gateway talks to subgraphs (see README "Subgraph traffic"). */
export const subgraphsSchema = z
  .object({
    defaults: trafficSchema.default({}),
    /** Per subgraph name (as in supergraph.yaml); `urls` lists replicas and replaces the routing URL. */
    overrides: z
      .record(
        z.string(),
        z
          .object({ ...trafficFields, urls: z.array(z.url({ protocol: /^https?$/ })).min(1).optional() })
          .strict(),
      )
      .default({}),
    /** Set the response's Cache-Control to the most restrictive of the subgraphs' answers. */
    mergeCacheControl: z.boolean().default(true),
  })
  .strict();

export type SubgraphsConfig = z.infer<typeof subgraphsSchema>;
export type SubgraphTrafficInput = z.infer<typeof trafficSchema>;
export type SubgraphOverrideInput = SubgraphsConfig['overrides'][string];
