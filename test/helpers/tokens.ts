import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

/** Test-only JWT minting with jose: real signatures, claims chosen per test. */
export interface MintOptions {
  alg?: string;
  kid?: string;
  sub?: string;
  scope?: string;
  iss?: string;
  aud?: string;
  /** Seconds from now (negative: already expired). Default 300; `null` leaves `exp` out. */
  expiresIn?: number | null;
  /** Seconds from now for `nbf`. */
  notBefore?: number;
  claims?: JWTPayload;
}

export async function mintToken(key: CryptoKey | Uint8Array, options: MintOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const payload: JWTPayload = { ...options.claims };
  if (options.scope !== undefined) payload.scope = options.scope;
  let jwt = new SignJWT(payload).setProtectedHeader({ alg: options.alg ?? 'HS256', ...(options.kid ? { kid: options.kid } : {}) }).setIssuedAt(now);
  if (options.sub !== undefined) jwt = jwt.setSubject(options.sub);
  if (options.iss !== undefined) jwt = jwt.setIssuer(options.iss);
  if (options.aud !== undefined) jwt = jwt.setAudience(options.aud);
  if (options.expiresIn !== null) jwt = jwt.setExpirationTime(now + (options.expiresIn ?? 300));
  if (options.notBefore !== undefined) jwt = jwt.setNotBefore(now + options.notBefore);
  return jwt.sign(key);
}

export const secretBytes = (secret: string): Uint8Array => new TextEncoder().encode(secret);

/** An unsigned `alg: none` token (RFC 7519 §6), which must never be accepted. */
export function unsecuredToken(payload: JWTPayload): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode(payload)}.`;
}

export interface TestKeyPair {
  kid: string;
  alg: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
  publicPem: string;
}

export async function createKeyPair(alg: 'RS256' | 'ES256' | 'EdDSA', kid: string): Promise<TestKeyPair> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { kid, alg, privateKey, publicJwk, publicPem: await exportSPKI(publicKey) };
}
