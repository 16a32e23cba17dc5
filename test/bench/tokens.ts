import { SignJWT } from 'jose';

/** Tokens minted before a run; rotation wraps around, so keep it above the requests of one workload. */
export const DEFAULT_TOKEN_POOL_SIZE = 10_000;
/** Used when SWITCHYARD_JWT_SECRET is unset; the gateways under test get the same value. */
export const DEFAULT_BENCH_SECRET = 'switchyard-bench-secret-not-for-production-000000';

/**
 * Mints `count` distinct HS256 JWTs (one subject each), so no deduplication or cache keyed on identity can
 * collapse two requests. Valid for an hour.
 */
export async function mintTokens(secret: string, count = DEFAULT_TOKEN_POOL_SIZE): Promise<string[]> {
  const key = new TextEncoder().encode(secret);
  const now = Math.floor(Date.now() / 1000);
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) {
    tokens.push(
      await new SignJWT({ scope: 'read', client_id: 'bench' })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(`bench-user-${i}`)
        .setIssuedAt(now)
        .setExpirationTime(now + 3600)
        .sign(key),
    );
  }
  return tokens;
}
