import { z } from 'zod';

export const DEFAULT_JWT_SECRET_ENV = 'SWITCHYARD_JWT_SECRET';
export const DEFAULT_SIGNING_SECRET_ENV = 'SWITCHYARD_SUBGRAPH_SECRET';
export const DEFAULT_API_KEY_HEADER = 'x-api-key';
export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 30;
export const DEFAULT_JWKS_TIMEOUT_MS = 3_000;
export const DEFAULT_JWKS_COOLDOWN_MS = 30_000;
export const DEFAULT_JWKS_CACHE_MAX_AGE_MS = 600_000;
export const DEFAULT_TOKEN_CACHE_SIZE = 10_000;
export const DEFAULT_TOKEN_CACHE_MAX_TTL_SECONDS = 300;

const JWT_ALGORITHMS = ['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;
const stringOrList = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

/**
 * JWT verification. Symmetric (HS*) tokens are checked against the secret in env `secretEnv`,
 * asymmetric ones against `publicKey` or `jwksUrl`; each key only accepts its own algorithm family,
 * so an HS256 token "signed" with the RSA public key is refused (RFC 8725 §3.1).
 */
const jwtSchema = z
  .object({
    /** Accepted `alg` values; default: HS256 for the secret, the key's own for `publicKey`, RS256/ES256/EdDSA for JWKS. */
    algorithms: z.array(z.enum(JWT_ALGORITHMS)).min(1).optional(),
    /** Env var holding the HS256 shared secret (≥ 32 bytes); HS tokens are refused when it is unset. */
    secretEnv: z.string().min(1).default(DEFAULT_JWT_SECRET_ENV),
    /** PEM (SPKI) public key for RS/PS/ES/EdDSA tokens. */
    publicKey: z.string().includes('BEGIN PUBLIC KEY').optional(),
    /** JWKS endpoint; keys are cached and refetched on an unknown `kid` (at most once per cool-down). */
    jwksUrl: z.url({ protocol: /^https?$/ }).optional(),
    jwksTimeoutMs: z.number().int().positive().default(DEFAULT_JWKS_TIMEOUT_MS),
    jwksCooldownMs: z.number().int().min(0).default(DEFAULT_JWKS_COOLDOWN_MS),
    jwksCacheMaxAgeMs: z.number().int().positive().default(DEFAULT_JWKS_CACHE_MAX_AGE_MS),
    /** Required `iss` (one or any of several); unchecked when absent. */
    issuer: stringOrList.optional(),
    /** Required `aud` (one or any of several); unchecked when absent. */
    audience: stringOrList.optional(),
    clockToleranceSeconds: z.number().int().min(0).max(300).default(DEFAULT_CLOCK_TOLERANCE_SECONDS),
  })
  .strict()
  .refine((jwt) => !(jwt.publicKey && jwt.jwksUrl), { message: 'set publicKey or jwksUrl, not both', path: ['jwksUrl'] });

const apiKeySchema = z
  .object({
    /** Hex SHA-256 of the key (`printf %s "$KEY" | sha256sum`); the key itself never appears in config. */
    sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex characters (a SHA-256 digest)'),
    clientId: z.string().min(1),
    scopes: z.array(z.string().min(1)).default([]),
    /** Rate-limit tier for this client. */
    tier: z.string().min(1).default('api-key'),
  })
  .strict();

/** The `auth` section: credentials accepted at the edge and what subgraphs learn of the caller. */
export const authSchema = z
  .object({
    /** Off only for graphs without authorization directives: a supergraph carrying them then refuses to load. */
    enabled: z.boolean().default(true),
    /** `optional`: anonymous callers allowed, fields decide; `required`: every request needs a valid credential. */
    mode: z.enum(['optional', 'required']).default('optional'),
    jwt: jwtSchema.default(() => jwtSchema.parse({})),
    apiKeys: z
      .object({
        header: z.string().min(1).toLowerCase().default(DEFAULT_API_KEY_HEADER),
        keys: z.array(apiKeySchema).default([]),
      })
      .strict()
      .default({ header: DEFAULT_API_KEY_HEADER, keys: [] }),
    /** How subgraphs learn who calls: `headers` (x-user-id, x-user-scopes, x-client-id) or the original `token`. */
    forwardIdentity: z.enum(['headers', 'token']).default('headers'),
    /** HMAC-SHA256 signature on every subgraph request when env `secretEnv` is set. */
    signing: z
      .object({ secretEnv: z.string().min(1).default(DEFAULT_SIGNING_SECRET_ENV) })
      .strict()
      .default({ secretEnv: DEFAULT_SIGNING_SECRET_ENV }),
    /** Verified tokens remembered (by SHA-256 of the token) until `exp`, at most `tokenCacheMaxTtlSeconds`. */
    tokenCacheSize: z.number().int().min(0).default(DEFAULT_TOKEN_CACHE_SIZE),
    tokenCacheMaxTtlSeconds: z.number().int().min(0).default(DEFAULT_TOKEN_CACHE_MAX_TTL_SECONDS),
  })
  .strict();
