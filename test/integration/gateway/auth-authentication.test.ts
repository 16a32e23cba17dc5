import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { startGateway, type StartedGateway } from '../../helpers/gateway.js';
import { createCloseStack, postGraphQL, startSubgraphs } from '../../helpers/subgraphs.js';
import { createKeyPair, mintToken, secretBytes, unsecuredToken, type TestKeyPair } from '../../helpers/tokens.js';

const SECRET = 'auth-authentication-test-secret-0123456789';
const ISS = 'https://issuer.test';
const AUD = 'switchyard';
const API_KEY = 'sk_test_5d1b0c1e9a7f4e2b';
const QUERY = '{ users(first: 1) { id } }';
const closeStack = createCloseStack();
let gateway: StartedGateway;
let requiredGateway: StartedGateway;
let rsa: TestKeyPair;

const post = (url: string, headers: Record<string, string>) => postGraphQL(url, QUERY, { headers });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  const subgraphs = await startSubgraphs();
  closeStack.push(subgraphs.close);
  rsa = await createKeyPair('RS256', 'rsa-1');
  const auth = {
    jwt: { publicKey: rsa.publicPem, issuer: ISS, audience: AUD, clockToleranceSeconds: 5 },
    apiKeys: { keys: [{ sha256: createHash('sha256').update(API_KEY).digest('hex'), clientId: 'reports', scopes: ['reports:read'], tier: 'gold' }] },
  };
  // These tests send many bad credentials from one IP; failed-auth limiting has its own test.
  const rateLimit = { failedAuth: { points: 10_000, durationSeconds: 60 } };
  gateway = await startGateway({ subgraphUrls: subgraphs.urls, env: { SWITCHYARD_JWT_SECRET: SECRET }, config: { auth, rateLimit } });
  closeStack.push(gateway.close);
  requiredGateway = await startGateway({
    subgraphUrls: subgraphs.urls,
    env: { SWITCHYARD_JWT_SECRET: SECRET },
    config: { auth: { ...auth, mode: 'required' }, rateLimit },
  });
  closeStack.push(requiredGateway.close);
});
afterAll(() => closeStack.drain());

const valid = { sub: 'alice', iss: ISS, aud: AUD };

describe('authentication at the gateway', () => {
  it('accepts a valid HS256 token and a valid RS256 token', async () => {
    const hs = await post(gateway.url, bearer(await mintToken(secretBytes(SECRET), valid)));
    expect(hs.status).toBe(200);
    expect(hs.body.errors).toBeUndefined();
    const rs = await post(gateway.url, bearer(await mintToken(rsa.privateKey, { ...valid, alg: 'RS256' })));
    expect(rs.status).toBe(200);
    expect(rs.body.errors).toBeUndefined();
  });

  it('answers an invalid credential with 401, UNAUTHENTICATED and one generic message; the reason is logged with the request id', async () => {
    const token = await mintToken(secretBytes(SECRET), { ...valid, expiresIn: -120 });
    const response = await post(gateway.url, { ...bearer(token), 'x-request-id': 'expired-1' });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(response.body).toEqual({ errors: [{ message: 'Invalid or expired credentials.', extensions: { code: 'UNAUTHENTICATED' } }] });
    const line = gateway.logs.find((l) => l.requestId === 'expired-1' && l.msg === 'credential rejected');
    expect(line?.reason).toMatch(/exp/);
    expect(JSON.stringify(gateway.logs)).not.toContain(token);
  });

  const cases: Array<[string, () => Promise<Record<string, string>>]> = [
    ['an expired token', async () => bearer(await mintToken(secretBytes(SECRET), { ...valid, expiresIn: -60 }))],
    ['a token not yet valid (nbf)', async () => bearer(await mintToken(secretBytes(SECRET), { ...valid, notBefore: 120 }))],
    ['a token without exp', async () => bearer(await mintToken(secretBytes(SECRET), { ...valid, expiresIn: null }))],
    ['a wrong issuer', async () => bearer(await mintToken(secretBytes(SECRET), { ...valid, iss: 'https://evil.test' }))],
    ['a wrong audience', async () => bearer(await mintToken(secretBytes(SECRET), { ...valid, aud: 'someone-else' }))],
    ['a bad signature', async () => bearer(await mintToken(secretBytes('another-secret-that-is-32-bytes-long!!'), valid))],
    [
      'a tampered payload',
      async () => {
        const [header, , signature] = (await mintToken(secretBytes(SECRET), valid)).split('.');
        const payload = Buffer.from(JSON.stringify({ ...valid, sub: 'admin', exp: 9_999_999_999 })).toString('base64url');
        return bearer(`${header}.${payload}.${signature}`);
      },
    ],
    ['alg: none', async () => bearer(unsecuredToken({ ...valid, exp: Math.floor(Date.now() / 1000) + 300 }))],
    ['HS256 keyed with the RSA public key (algorithm confusion)', async () => bearer(await mintToken(secretBytes(rsa.publicPem), valid))],
    [
      'an RS256 token from an unknown key',
      async () => bearer(await mintToken((await createKeyPair('RS256', 'x')).privateKey, { ...valid, alg: 'RS256' })),
    ],
    ['"Bearer" with no token', async () => ({ authorization: 'Bearer' })],
    ['"Bearer a.b"', async () => ({ authorization: 'Bearer a.b' })],
    ['10 KB of junk', async () => ({ authorization: `Bearer ${'x'.repeat(10_240)}` })],
    ['a Basic credential', async () => ({ authorization: 'Basic YWxpY2U6c2VjcmV0' })],
    ['an unknown API key', async () => ({ 'x-api-key': 'sk_test_not_a_real_key' })],
    ['a bearer token and an API key together', async () => ({ ...bearer(await mintToken(secretBytes(SECRET), valid)), 'x-api-key': API_KEY })],
  ];
  it.each(cases)('refuses %s with 401', async (_name, headers) => {
    const response = await post(gateway.url, await headers());
    expect(response.status).toBe(401);
    expect(response.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(response.body.errors?.[0]?.message).toBe('Invalid or expired credentials.');
  });

  it('accepts a configured API key by its hash', async () => {
    const response = await post(gateway.url, { 'x-api-key': API_KEY });
    expect(response.status).toBe(200);
    expect(response.body.errors).toBeUndefined();
  });

  it('serves anonymous callers in optional mode and refuses them in required mode', async () => {
    expect((await post(gateway.url, {})).status).toBe(200);
    const refused = await post(requiredGateway.url, {});
    expect(refused.status).toBe(401);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const allowed = await post(requiredGateway.url, { 'x-api-key': API_KEY });
    expect(allowed.status).toBe(200);
  });
});
