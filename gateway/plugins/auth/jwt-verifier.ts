import type { KeyObject } from 'node:crypto';
import { createRemoteJWKSet, decodeProtectedHeader, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';

/** Symmetric algorithms: verified only with the shared secret, never with a public key. */
const SYMMETRIC = /^HS(256|384|512)$/;

/** Defaults when `algorithms` is not configured: what each key kind accepts. */
export const DEFAULT_SECRET_ALGORITHMS = ['HS256'] as const;
export const DEFAULT_JWKS_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'] as const;

export interface JwtVerifierOptions {
  /** HS shared secret (bytes); HS tokens are refused without it. */
  secret?: Uint8Array;
  /** Local public key for asymmetric tokens. */
  publicKey?: KeyObject;
  /** Remote JWKS for asymmetric tokens. */
  jwksUrl?: URL;
  /** Configured `alg` allow-list; split per key kind below. */
  algorithms?: readonly string[];
  issuer?: string | string[];
  audience?: string | string[];
  clockToleranceSeconds: number;
  jwksTimeoutMs: number;
  jwksCooldownMs: number;
  jwksCacheMaxAgeMs: number;
}

export type JwtOutcome =
  | { ok: true; payload: JWTPayload }
  /** `unavailable`: the key set could not be fetched — not the caller's fault (503, not 401). */
  | { ok: false; reason: string; unavailable?: boolean };

export interface JwtVerifier {
  /** True when any key is configured; without one, every presented JWT is refused. */
  readonly enabled: boolean;
  verify(token: string): Promise<JwtOutcome>;
}

/** The algorithm a local public key signs with (RS256 for RSA, ES256/384/512 by curve, EdDSA). */
export function algorithmsForKey(key: KeyObject): string[] {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return ['RS256'];
    case 'rsa-pss':
      return ['PS256'];
    case 'ec': {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      return [curve === 'secp384r1' ? 'ES384' : curve === 'secp521r1' ? 'ES512' : 'ES256'];
    }
    case 'ed25519':
    case 'ed448':
      return ['EdDSA'];
    default:
      throw new Error(`auth.jwt.publicKey: unsupported key type "${key.asymmetricKeyType}".`);
  }
}

function describe(error: unknown): { reason: string; unavailable: boolean } {
  if (error instanceof errors.JWKSTimeout) return { reason: 'JWKS fetch timed out', unavailable: true };
  // A JWKS answering non-200 or non-JSON: also an outage on the key server's side.
  if (error instanceof errors.JWKSInvalid || (error instanceof errors.JOSEError && error.code === 'ERR_JOSE_GENERIC')) {
    return { reason: `JWKS unavailable: ${error.message}`, unavailable: true };
  }
  if (error instanceof errors.JOSEError) return { reason: `${error.code}: ${error.message}`, unavailable: false };
  // Anything else comes from fetching the JWKS (connection refused, bad JSON): an outage, not a bad token.
  return { reason: `JWKS unavailable: ${(error as Error)?.message ?? String(error)}`, unavailable: true };
}

/**
 * Verifies JWTs with `jose`. Each token's `alg` picks exactly one key kind — HS* the secret, the rest
 * the public key or JWKS — and each verification pins the algorithms that key may use, so `alg: none`
 * and HS/RS confusion (an HS256 token keyed with the RSA public key) fail (RFC 8725 §2.1, §3.1).
 * `exp` is required; `nbf`, `iss` and `aud` are checked when configured, with the clock tolerance.
 */
export function createJwtVerifier(options: JwtVerifierOptions): JwtVerifier {
  const configured = options.algorithms;
  const symmetric = options.secret ? (configured?.filter((a) => SYMMETRIC.test(a)) ?? [...DEFAULT_SECRET_ALGORITHMS]) : [];
  let asymmetric: string[] = [];
  let asymmetricKey: KeyObject | JWTVerifyGetKey | undefined;
  if (options.publicKey) {
    asymmetric = configured?.filter((a) => !SYMMETRIC.test(a)) ?? algorithmsForKey(options.publicKey);
    asymmetricKey = options.publicKey;
  } else if (options.jwksUrl) {
    asymmetric = configured?.filter((a) => !SYMMETRIC.test(a)) ?? [...DEFAULT_JWKS_ALGORITHMS];
    // jose caches the set, refetches when a token names an unknown kid — at most once per cool-down,
    // so a flood of made-up kids costs one fetch — and aborts a fetch after the timeout.
    asymmetricKey = createRemoteJWKSet(options.jwksUrl, {
      timeoutDuration: options.jwksTimeoutMs,
      cooldownDuration: options.jwksCooldownMs,
      cacheMaxAge: options.jwksCacheMaxAgeMs,
    });
  }
  // The secret imported once per HS algorithm (each has its own hash): jose imports a raw Uint8Array
  // key again at every verification (~0.6 % of the gateway's CPU under unique-identity load).
  const hmacKeys = new Map<string, Promise<CryptoKey>>();
  const hmacKeyFor: JWTVerifyGetKey = ({ alg }) => {
    let key = hmacKeys.get(alg);
    if (!key) {
      key = crypto.subtle.importKey('raw', new Uint8Array(options.secret!), { name: 'HMAC', hash: `SHA-${alg.slice(2)}` }, false, ['verify']);
      hmacKeys.set(alg, key);
    }
    return key;
  };
  const common = {
    issuer: options.issuer,
    audience: options.audience,
    clockTolerance: options.clockToleranceSeconds,
    requiredClaims: ['exp'],
  };

  return {
    enabled: symmetric.length > 0 || asymmetric.length > 0,
    async verify(token) {
      let alg: string | undefined;
      try {
        alg = decodeProtectedHeader(token).alg;
      } catch {
        return { ok: false, reason: 'token header is not a JWS header' };
      }
      try {
        if (alg !== undefined && symmetric.includes(alg)) {
          const { payload } = await jwtVerify(token, hmacKeyFor, { ...common, algorithms: symmetric });
          return { ok: true, payload };
        }
        if (alg !== undefined && asymmetricKey && asymmetric.includes(alg)) {
          const { payload } =
            typeof asymmetricKey === 'function'
              ? await jwtVerify(token, asymmetricKey, { ...common, algorithms: asymmetric })
              : await jwtVerify(token, asymmetricKey, { ...common, algorithms: asymmetric });
          return { ok: true, payload };
        }
        return { ok: false, reason: `alg "${String(alg)}" is not accepted` };
      } catch (error) {
        const { reason, unavailable } = describe(error);
        return { ok: false, reason, unavailable };
      }
    },
  };
}
