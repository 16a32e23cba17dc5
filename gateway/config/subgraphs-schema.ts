import { z } from 'zod';

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
  /** How the gateway subscribes to this subgraph's `Subscription` fields. */
  subscription: z
    .object({
      protocol: z.enum(['graphql-ws', 'sse']).optional(),
      /** Replaces the path of the routing URL (or of each replica URL). */
      path: z.string().startsWith('/').optional(),
      /** The whole URL instead (http(s) or ws(s)); then `path` must be absent. */
      url: z.url({ protocol: /^(https?|wss?)$/ }).optional(),
    })
    .strict()
    .refine((s) => !(s.path && s.url), { message: 'give `path` or `url`, not both' })
    .optional(),
};

/**
 * Headers that assert who the caller is, or prove the gateway sent the request. Only the gateway sets
 * them (auth plugin, request signing); forwarding a client's copy would let it claim any identity.
 */
export const IDENTITY_HEADER_NAMES: readonly string[] = [
  'x-user-id',
  'x-user-scopes',
  'x-client-id',
  'x-switchyard-timestamp',
  'x-switchyard-signature',
];

/** Adds an issue for each `forwardHeaders` entry naming the configured API-key header. */
export function refuseForwardedApiKeyHeader(
  config: { auth: { apiKeys: { header: string } }; subgraphs: z.output<typeof subgraphsSchema> },
  context: z.RefinementCtx,
): void {
  const header = config.auth.apiKeys.header;
  const check = (list: readonly string[] | undefined, path: Array<string | number>) =>
    list?.forEach((name, i) => {
      if (name === header)
        context.addIssue({ code: 'custom', path: [...path, 'forwardHeaders', i], message: `${CREDENTIAL_HEADER_MESSAGE} (auth.apiKeys.header)` });
    });
  check(config.subgraphs.defaults.forwardHeaders, ['subgraphs', 'defaults']);
  for (const [name, override] of Object.entries(config.subgraphs.overrides)) check(override.forwardHeaders, ['subgraphs', 'overrides', name]);
}

const trafficSchema = z.object(trafficFields).strict();

/** `subgraphs`: how the gateway talks to subgraphs (see README "Subgraph traffic"). */
export const subgraphsSchema = z
  .object({
    defaults: trafficSchema
      .refine((d) => d.subscription?.url === undefined, {
        path: ['subscription', 'url'],
        message: 'a subscription URL names one subgraph: set it in subgraphs.overrides.<name>.subscription.url',
      })
      .default({}),
    /** Per subgraph name (as in supergraph.yaml); `urls` lists replicas and replaces the routing URL. */
    overrides: z
      .record(
        z.string(),
        z
          .object({
            ...trafficFields,
            urls: z
              .array(z.url({ protocol: /^https?$/ }))
              .min(1)
              .optional(),
          })
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
