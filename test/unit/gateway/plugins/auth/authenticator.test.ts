import { describe, expect, it } from 'vitest';
import { createApiKeyStore, sha256Hex } from '../../../../../gateway/plugins/auth/api-keys.js';
import { createAuthenticator } from '../../../../../gateway/plugins/auth/authenticator.js';
import type { JwtVerifier } from '../../../../../gateway/plugins/auth/jwt-verifier.js';

function countingVerifier(exp: number): JwtVerifier & { calls: number } {
  return {
    enabled: true,
    calls: 0,
    async verify() {
      this.calls++;
      return { ok: true, payload: { sub: 'alice', scope: 'a b', exp } };
    },
  };
}

describe('createAuthenticator', () => {
  const headers = { authorization: 'Bearer aaa.bbb.ccc' };

  it('verifies a token once and answers repeats from the cache until exp', async () => {
    const jwt = countingVerifier(Math.floor(Date.now() / 1000) + 60);
    const authenticator = createAuthenticator({
      apiKeyHeader: 'x-api-key',
      apiKeys: createApiKeyStore([]),
      jwt,
      tokenCacheSize: 10,
      tokenCacheMaxTtlSeconds: 300,
    });
    for (let i = 0; i < 3; i++) {
      expect(await authenticator.authenticate(headers)).toMatchObject({
        kind: 'ok',
        identity: { kind: 'jwt', subject: 'alice', scopes: ['a', 'b'] },
      });
    }
    expect(jwt.calls).toBe(1);
  });

  it('does not cache an already expired verification (exp inside the clock tolerance)', async () => {
    const jwt = countingVerifier(Math.floor(Date.now() / 1000) - 1);
    const authenticator = createAuthenticator({
      apiKeyHeader: 'x-api-key',
      apiKeys: createApiKeyStore([]),
      jwt,
      tokenCacheSize: 10,
      tokenCacheMaxTtlSeconds: 300,
    });
    await authenticator.authenticate(headers);
    await authenticator.authenticate(headers);
    expect(jwt.calls).toBe(2);
  });

  it('maps API keys by hash and never matches a key by its hash', async () => {
    const store = createApiKeyStore([{ sha256: sha256Hex('k1'), clientId: 'c', scopes: ['s'], tier: 'gold' }]);
    expect(store.lookup('k1')).toEqual({ kind: 'api-key', clientId: 'c', scopes: ['s'], tier: 'gold' });
    expect(store.lookup(sha256Hex('k1'))).toBeUndefined();
  });
});
