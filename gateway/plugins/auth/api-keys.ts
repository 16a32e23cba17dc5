import { createHash } from 'node:crypto';
import type { CallerIdentity } from '../../request-context.js';

export interface ApiKeyEntry {
  /** Hex SHA-256 of the key. */
  sha256: string;
  clientId: string;
  scopes: readonly string[];
  tier: string;
}

/** Looks API keys up by their SHA-256; the keys themselves are never held in memory or config. */
export interface ApiKeyStore {
  lookup(key: string): CallerIdentity | undefined;
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/**
 * A Map keyed by the key's SHA-256. Why this is as good as a constant-time comparison: the lookup's
 * timing can at most reveal how much of the *digest* of a guess matches a stored digest, and choosing
 * guesses whose digests share a prefix with an unknown digest is a preimage search — the timing gives
 * an attacker nothing to climb, unlike comparing raw keys byte by byte.
 */
export function createApiKeyStore(entries: readonly ApiKeyEntry[]): ApiKeyStore {
  const byHash = new Map<string, CallerIdentity>();
  for (const entry of entries) {
    byHash.set(
      entry.sha256.toLowerCase(),
      Object.freeze({
        kind: 'api-key' as const,
        clientId: entry.clientId,
        scopes: Object.freeze([...entry.scopes]),
        tier: entry.tier,
      }),
    );
  }
  return {
    lookup(key) {
      return byHash.size === 0 ? undefined : byHash.get(sha256Hex(key));
    },
  };
}
