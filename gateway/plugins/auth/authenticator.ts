import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { JWTPayload } from 'jose';
import { LRUCache } from 'lru-cache';
import type { CallerIdentity } from '../../request-context.js';
import type { ApiKeyStore } from './api-keys.js';
import { readCredential } from './credentials.js';
import type { JwtVerifier } from './jwt-verifier.js';

/** The identity every caller without a credential gets. */
export const ANONYMOUS: CallerIdentity = Object.freeze({ kind: 'anonymous', scopes: Object.freeze([]), tier: 'anonymous' });

export type AuthOutcome =
  | { kind: 'ok'; identity: CallerIdentity; /** The verified JWT, for `forwardIdentity: token`. */ token?: string }
  | { kind: 'anonymous' }
  | { kind: 'invalid'; reason: string }
  | { kind: 'unavailable'; reason: string };

export interface AuthenticatorOptions {
  apiKeyHeader: string;
  apiKeys: ApiKeyStore;
  jwt: JwtVerifier;
  /** Verified-token cache entries (0 turns the cache off). */
  tokenCacheSize: number;
  /** Longest a verified token is remembered, even when its `exp` is later. */
  tokenCacheMaxTtlSeconds: number;
  now?: () => number;
}

export interface Authenticator {
  authenticate(headers: IncomingHttpHeaders): Promise<AuthOutcome>;
}

function scopesOf(payload: JWTPayload): string[] {
  // OAuth 2 `scope` (RFC 8693 §4.2: space-separated), or the `scp` array some issuers use.
  if (typeof payload.scope === 'string') return payload.scope.split(' ').filter(Boolean);
  if (Array.isArray(payload.scp)) return payload.scp.filter((s): s is string => typeof s === 'string');
  return [];
}

/** The identity a verified JWT asserts. */
export function identityFromJwt(payload: JWTPayload): CallerIdentity {
  const clientId = typeof payload.client_id === 'string' ? payload.client_id : typeof payload.azp === 'string' ? payload.azp : undefined;
  return Object.freeze({
    kind: 'jwt' as const,
    subject: payload.sub,
    clientId,
    scopes: Object.freeze(scopesOf(payload)),
    tier: 'authenticated',
  });
}

/**
 * Turns request headers into an outcome. Verified JWTs are cached by the SHA-256 of the token (the
 * token itself is never a key, so a heap dump does not hold it twice) until `exp`, capped by the
 * maximum TTL, so a busy client does not pay a signature check per request.
 */
export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  const now = options.now ?? Date.now;
  const cache = options.tokenCacheSize > 0 ? new LRUCache<string, CallerIdentity>({ max: options.tokenCacheSize, ttlAutopurge: false }) : undefined;

  async function verifyToken(token: string): Promise<AuthOutcome> {
    const key = cache ? createHash('sha256').update(token).digest('base64url') : '';
    const cached = cache?.get(key);
    if (cached) return { kind: 'ok', identity: cached, token };
    if (!options.jwt.enabled) return { kind: 'invalid', reason: 'a JWT was presented but no JWT key is configured' };
    const outcome = await options.jwt.verify(token);
    if (!outcome.ok) return { kind: outcome.unavailable ? 'unavailable' : 'invalid', reason: outcome.reason };
    const identity = identityFromJwt(outcome.payload);
    const ttlMs = Math.min((outcome.payload.exp ?? 0) * 1000 - now(), options.tokenCacheMaxTtlSeconds * 1000);
    if (cache && ttlMs > 0) cache.set(key, identity, { ttl: ttlMs });
    return { kind: 'ok', identity, token };
  }

  return {
    async authenticate(headers) {
      const credential = readCredential(headers, options.apiKeyHeader);
      switch (credential.kind) {
        case 'none':
          return { kind: 'anonymous' };
        case 'malformed':
          return { kind: 'invalid', reason: credential.reason };
        case 'api-key': {
          const identity = options.apiKeys.lookup(credential.key);
          return identity ? { kind: 'ok', identity } : { kind: 'invalid', reason: 'unknown API key' };
        }
        case 'bearer':
          return verifyToken(credential.token);
      }
    },
  };
}
