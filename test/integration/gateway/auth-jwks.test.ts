import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JWK } from 'jose';
import { startGateway, waitFor, type StartedGateway } from '../../helpers/gateway.js';
import { createCloseStack, postGraphQL, startSubgraphs, type RunningSubgraphs } from '../../helpers/subgraphs.js';
import { createKeyPair, mintToken, type TestKeyPair } from '../../helpers/tokens.js';

const QUERY = '{ users(first: 1) { id } }';
const closeStack = createCloseStack();
let subgraphs: RunningSubgraphs;

/** A JWKS endpoint the test controls: which keys it publishes, and whether it answers at all. */
async function startJwksServer() {
  const state = { keys: [] as JWK[], hang: false, fetches: 0 };
  const server: Server = createServer((request, response) => {
    state.fetches++;
    if (state.hang) return; // never answers: the gateway's timeout must end the wait
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ keys: state.keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return { state, url, close };
}

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

beforeAll(async () => {
  subgraphs = await startSubgraphs();
  closeStack.push(subgraphs.close);
});
afterAll(() => closeStack.drain());

describe('JWTs verified against a remote JWKS', () => {
  let jwks: Awaited<ReturnType<typeof startJwksServer>>;
  let gateway: StartedGateway;
  let first: TestKeyPair;
  let second: TestKeyPair;

  beforeAll(async () => {
    jwks = await startJwksServer();
    closeStack.push(jwks.close);
    [first, second] = await Promise.all([createKeyPair('RS256', 'key-1'), createKeyPair('ES256', 'key-2')]);
    jwks.state.keys = [first.publicJwk];
    gateway = await startGateway({
      subgraphUrls: subgraphs.urls,
      config: { auth: { jwt: { jwksUrl: jwks.url, jwksCooldownMs: 200, jwksCacheMaxAgeMs: 400, jwksTimeoutMs: 500 }, tokenCacheSize: 0 } },
    });
    closeStack.push(gateway.close);
  });

  it('accepts a rotated-in key after a refresh and refuses a rotated-out one', async () => {
    expect((await postGraphQL(gateway.url, QUERY, bearer(await mintToken(first.privateKey, { alg: 'RS256', kid: 'key-1', sub: 'a' })))).status).toBe(
      200,
    );

    jwks.state.keys = [second.publicJwk];
    const rotatedIn = await mintToken(second.privateKey, { alg: 'ES256', kid: 'key-2', sub: 'b' });
    // An unknown kid triggers a refetch once the cool-down has passed.
    await waitFor(async () => (await postGraphQL(gateway.url, QUERY, bearer(rotatedIn))).status === 200, 5_000, 'the new key to be accepted');

    const rotatedOut = await mintToken(first.privateKey, { alg: 'RS256', kid: 'key-1', sub: 'c' });
    await waitFor(async () => (await postGraphQL(gateway.url, QUERY, bearer(rotatedOut))).status === 401, 5_000, 'the removed key to be refused');
  });

  it('does not refetch per request when a flood of unknown kids arrives (default 30 s cool-down)', async () => {
    const guarded = await startGateway({
      subgraphUrls: subgraphs.urls,
      // The flood of 401s from one IP must reach the verifier, not the failed-auth limit.
      config: { auth: { jwt: { jwksUrl: jwks.url } }, rateLimit: { failedAuth: { points: 100, durationSeconds: 60 } } },
    });
    closeStack.push(guarded.close);
    const before = jwks.state.fetches;
    const stranger = await createKeyPair('RS256', 'stranger');
    const responses = await Promise.all(
      Array.from({ length: 20 }, async (_, i) =>
        postGraphQL(guarded.url, QUERY, bearer(await mintToken(stranger.privateKey, { alg: 'RS256', kid: `made-up-${i}`, sub: 'x' }))),
      ),
    );
    expect(responses.every((r) => r.status === 401)).toBe(true);
    // One fetch to fill the cold cache; every later unknown kid falls within the cool-down.
    expect(jwks.state.fetches - before).toBe(1);
  });
});

describe('when the JWKS cannot be fetched', () => {
  it('answers 503 SERVICE_UNAVAILABLE quickly for a JWKS that hangs or refuses connections, and keeps serving', async () => {
    const jwks = await startJwksServer();
    closeStack.push(jwks.close);
    jwks.state.hang = true;
    const key = await createKeyPair('RS256', 'k');
    const gateway = await startGateway({
      subgraphUrls: subgraphs.urls,
      config: { auth: { jwt: { jwksUrl: jwks.url, jwksTimeoutMs: 300, jwksCooldownMs: 0 } } },
    });
    closeStack.push(gateway.close);
    const token = await mintToken(key.privateKey, { alg: 'RS256', kid: 'k', sub: 'a' });

    const hanging = await postGraphQL(gateway.url, QUERY, bearer(token));
    expect(hanging.status).toBe(503);
    expect(hanging.body.errors?.[0]).toMatchObject({ extensions: { code: 'SERVICE_UNAVAILABLE' } });
    expect(hanging.headers.get('retry-after')).toBe('5');
    expect(JSON.stringify(hanging.body)).not.toContain('127.0.0.1');

    await jwks.close();
    const refused = await postGraphQL(gateway.url, QUERY, bearer(token));
    expect(refused.status).toBe(503);
    // Anonymous traffic and the gateway itself are unaffected.
    expect((await postGraphQL(gateway.url, QUERY)).status).toBe(200);
  });
});
