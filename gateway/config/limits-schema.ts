import { isIP } from 'node:net';
import { z } from 'zod';

/**
 * Config sections for per-client rate limits (`rateLimit`, shared through the `redis` section
 * when it is set) and demand control (`cost`). Kept beside schema.ts so the main schema gains one line.
 */

/** Anonymous callers: 50 requests per second, plus 100 extra per 10 s for bursts. */
export const DEFAULT_ANONYMOUS_TIER = { points: 50, durationSeconds: 1, burst: 100, burstDurationSeconds: 10 } as const;
/** Callers with a verified JWT or API key and no named tier. */
export const DEFAULT_AUTHENTICATED_TIER = { points: 200, durationSeconds: 1, burst: 400, burstDurationSeconds: 10 } as const;
/** API keys without a configured tier (the auth section's default `tier: api-key`). */
export const DEFAULT_API_KEY_TIER = DEFAULT_AUTHENTICATED_TIER;
/** API keys configured with `tier: partner`. */
export const DEFAULT_PARTNER_TIER = { points: 1000, durationSeconds: 1, burst: 2000, burstDurationSeconds: 10 } as const;
/** Redis key prefix for rate-limit counters; replicas sharing a budget must use the same one. */
export const DEFAULT_RATE_LIMIT_KEY_PREFIX = 'switchyard:rl';
/** Failed authentications (401) allowed per client IP: 10 per 60 s, then 429 until the window ends. */
export const DEFAULT_FAILED_AUTH_LIMIT = { points: 10, durationSeconds: 60 } as const;
/**
 * Maximum estimated cost of one operation. Admits four levels of nested lists nothing sizes (11,110
 * at the default list size) and the public gateway benchmark's heavy query (23,315 on its own
 * unsized supergraph); refuses five levels (111,110) and lists of lists asked for by the hundred.
 */
export const DEFAULT_MAX_COST = 50_000;
/** `enforce` refuses operations over `maxCost`; `measure` only logs and reports them. */
export const DEFAULT_COST_MODE = 'enforce';
/** Cost of each `__schema` / `__type` field in an operation (introspection is not free to build). */
export const DEFAULT_INTROSPECTION_COST = 100;
/** Size assumed for a list field when neither arguments nor `@listSize` tell. */
export const DEFAULT_LIST_SIZE = 10;
/** Arguments read as a list field's size when the field has no `@listSize(slicingArguments:)`. */
export const DEFAULT_LIST_SIZE_ARGUMENTS = ['first', 'last', 'limit'] as const;

/** A token bucket: `points` per `durationSeconds`, plus `burst` extra points per `burstDurationSeconds`. */
const bucketSchema = z
  .object({
    points: z.number().int().positive(),
    /** Whole seconds: Redis expiry has one-second resolution. */
    durationSeconds: z.number().int().positive().default(1),
    burst: z.number().int().min(0).default(0),
    burstDurationSeconds: z.number().int().positive().default(10),
  })
  .strict();

const operationLimitSchema = bucketSchema
  .extend({
    /** `client`: the caller's key (API key, JWT sub, else IP); `ip`: always the client IP. */
    by: z.enum(['client', 'ip']).default('client'),
  })
  .strict();

function isProxyEntry(entry: string): boolean {
  const [address, prefix, extra] = entry.split('/');
  const family = isIP(address);
  if (!family || extra !== undefined) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d+$/.test(prefix) && bits <= (family === 4 ? 32 : 128);
}

const DEFAULT_TIERS = {
  anonymous: DEFAULT_ANONYMOUS_TIER,
  authenticated: DEFAULT_AUTHENTICATED_TIER,
  'api-key': DEFAULT_API_KEY_TIER,
  partner: DEFAULT_PARTNER_TIER,
};

/** Configured tiers are laid over the default ones, so setting `anonymous` alone keeps the others. */
const tiersSchema = z
  .record(z.string().min(1), bucketSchema)
  .optional()
  .transform((tiers): Record<string, z.output<typeof bucketSchema>> => ({ ...DEFAULT_TIERS, ...tiers }));

const rateLimitSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Tier by name; a caller's tier comes from its identity (API key config), else anonymous/authenticated. */
    tiers: tiersSchema,
    /** Extra limits per operation name, on top of the tier's (e.g. `registerUser`). */
    operations: z.record(z.string().min(1), operationLimitSchema).default(() => ({})),
    /** Failed authentications per client IP and window; an IP over it gets 429 before its credential is checked. */
    failedAuth: z
      .object({ points: z.number().int().positive(), durationSeconds: z.number().int().positive() })
      .strict()
      .default(() => ({ ...DEFAULT_FAILED_AUTH_LIMIT })),
    /** Addresses or CIDRs whose `X-Forwarded-For` is believed; empty: the socket address is the client. */
    trustedProxies: z.array(z.string().refine(isProxyEntry, 'must be an IP address or CIDR (e.g. 10.0.0.0/8)')).default(() => []),
    /** Redis unreachable: true serves with per-process limits; false answers 503 SERVICE_UNAVAILABLE. */
    failOpen: z.boolean().default(true),
    /** Charge the operation's estimated cost (needs `cost.enabled`) instead of 1 point per request. */
    chargeByCost: z.boolean().default(false),
    keyPrefix: z.string().min(1).default(DEFAULT_RATE_LIMIT_KEY_PREFIX),
  })
  .strict();

const costSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** `measure` estimates, logs and reports like `enforce` but never refuses: tune before you enforce. */
    mode: z.enum(['enforce', 'measure']).default(DEFAULT_COST_MODE),
    maxCost: z.number().int().positive().default(DEFAULT_MAX_COST),
    defaultListSize: z.number().int().min(0).default(DEFAULT_LIST_SIZE),
    listSizeArguments: z.array(z.string().min(1)).default(() => [...DEFAULT_LIST_SIZE_ARGUMENTS]),
    introspectionCost: z.number().int().min(0).default(DEFAULT_INTROSPECTION_COST),
  })
  .strict();

/** The two sections, each defaulted so an empty config turns limits on with documented values. */
export const limitsConfigShape = {
  rateLimit: rateLimitSchema.default(() => rateLimitSchema.parse({})),
  cost: costSchema.default(() => costSchema.parse({})),
};
