import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createJwtVerifier } from '../../../../../gateway/plugins/auth/jwt-verifier.js';

/**
 * HS tokens are verified with the secret imported once per algorithm (each HS algorithm hashes
 * differently): every allowed one verifies, a token signed with another secret or an algorithm not
 * allowed is refused, and a verifier reused after a refusal still verifies.
 */
const secret = new TextEncoder().encode('jwt-verifier-test-secret-0123456789abcdef-0123456789abcdef');
const otherSecret = new TextEncoder().encode('another-secret-entirely-0123456789abcdef-0123456789abcdef');

const sign = (alg: string, key: Uint8Array, sub = 'user-1') =>
  new SignJWT({ scope: 'read' }).setProtectedHeader({ alg }).setSubject(sub).setExpirationTime('5m').sign(key);

const verifierWith = (algorithms?: string[]) =>
  createJwtVerifier({ secret, algorithms, clockToleranceSeconds: 0, jwksTimeoutMs: 1000, jwksCooldownMs: 1000, jwksCacheMaxAgeMs: 1000 });

describe('JWT verifier, shared secret', () => {
  it('verifies HS256, HS384 and HS512 tokens, each many times with the key imported once', async () => {
    const verifier = verifierWith(['HS256', 'HS384', 'HS512']);
    for (const alg of ['HS256', 'HS384', 'HS512', 'HS512', 'HS256', 'HS384']) {
      const outcome = await verifier.verify(await sign(alg, secret, `user-${alg}`));
      expect(outcome, alg).toMatchObject({ ok: true, payload: { sub: `user-${alg}`, scope: 'read' } });
    }
  });

  it('refuses a token signed with another secret, for every algorithm, and still verifies good ones after', async () => {
    const verifier = verifierWith(['HS256', 'HS384', 'HS512']);
    for (const alg of ['HS256', 'HS384', 'HS512']) {
      expect(await verifier.verify(await sign(alg, otherSecret)), alg).toMatchObject({ ok: false, reason: expect.stringContaining('signature') });
      expect(await verifier.verify(await sign(alg, secret)), alg).toMatchObject({ ok: true });
    }
  });

  it('refuses an HS algorithm that is not allowed (HS256 only by default)', async () => {
    const verifier = verifierWith();
    expect(await verifier.verify(await sign('HS256', secret))).toMatchObject({ ok: true });
    expect(await verifier.verify(await sign('HS512', secret))).toEqual({ ok: false, reason: 'alg "HS512" is not accepted' });
  });
});
