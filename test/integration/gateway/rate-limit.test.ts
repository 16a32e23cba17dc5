import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, waitFor, type StartedGateway } from '../../helpers/gateway.js';
import { createCloseStack, postGraphQL, startSubgraphs, type RunningSubgraphs } from '../../helpers/subgraphs.js';
import { mintToken, secretBytes } from '../../helpers/tokens.js';

const closeStack = createCloseStack();
let subgraphs: RunningSubgraphs;
/** Trusts 127.0.0.1 as a proxy, so each test picks its own client IP with X-Forwarded-For. */
let behindProxy: StartedGateway;
/** No trusted proxies: every test request is the client 127.0.0.1. */
let direct: StartedGateway;
const QUERY = '{ topProducts(first: 1) { upc } }';
// 3 per minute plus a burst of 2: five requests pass, the sixth is limited (no window ends mid-test).
const TIGHT_ANONYMOUS = { points: 3, durationSeconds: 60, burst: 2, burstDurationSeconds: 60 };
const SECRET = 'rate-limit-test-secret-0123456789abcdef';
const sha256 = (key: string) => createHash('sha256').update(key).digest('hex');

beforeAll(async () => {
  subgraphs = await startSubgraphs();
  closeStack.push(subgraphs.close);
  behindProxy = await startGateway({
    subgraphUrls: subgraphs.urls,
    env: { SWITCHYARD_JWT_SECRET: SECRET },
    config: {
      auth: {
        apiKeys: {
          keys: [
            { sha256: sha256('key-app-1'), clientId: 'app-1', scopes: [] },
            { sha256: sha256('key-app-2'), clientId: 'app-2', scopes: [], tier: 'partner' },
          ],
        },
      },
      rateLimit: {
        tiers: { anonymous: TIGHT_ANONYMOUS, authenticated: { points: 7, durationSeconds: 60 }, 'api-key': { points: 9, durationSeconds: 60 } },
        operations: { registerUser: { points: 2, durationSeconds: 60, by: 'ip' } },
        trustedProxies: ['127.0.0.1', '10.9.0.0/16'],
      },
    },
  });
  closeStack.push(behindProxy.close);
  direct = await startGateway({ subgraphUrls: subgraphs.urls, config: { rateLimit: { tiers: { anonymous: TIGHT_ANONYMOUS } } } });
  closeStack.push(direct.close);
});
afterAll(() => closeStack.drain());

const from = (ip: string, extra: Record<string, string> = {}) => ({ headers: { 'x-forwarded-for': ip, ...extra } });
const totalSubgraphRequests = () => Object.values(subgraphs.byName).reduce((sum, s) => sum + s.stats.requests, 0);

async function statuses(url: string, count: number, options = {}, query = QUERY): Promise<number[]> {
  const result: number[] = [];
  for (let i = 0; i < count; i++) result.push((await postGraphQL(url, query, options)).status);
  return result;
}

describe('rate limit: per-client token buckets', () => {
  it('allows the burst, then answers 429 RATE_LIMITED with Retry-After and RateLimit headers', async () => {
    const first = await postGraphQL(behindProxy.url, QUERY, from('10.0.0.1'));
    expect(first.status).toBe(200);
    expect(first.headers.get('ratelimit-limit')).toBe('3');
    expect(first.headers.get('ratelimit-remaining')).toBe('2');
    expect(Number(first.headers.get('ratelimit-reset'))).toBeGreaterThanOrEqual(59);
    expect(first.headers.get('retry-after')).toBeNull();
    expect(await statuses(behindProxy.url, 4, from('10.0.0.1'))).toEqual([200, 200, 200, 200]);

    const before = totalSubgraphRequests();
    const limited = await postGraphQL(behindProxy.url, QUERY, from('10.0.0.1'));
    expect(totalSubgraphRequests()).toBe(before);
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(58);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect({
      limit: limited.headers.get('ratelimit-limit'),
      remaining: limited.headers.get('ratelimit-remaining'),
      reset: limited.headers.get('ratelimit-reset'),
      contentType: limited.headers.get('content-type'),
    }).toEqual({ limit: '3', remaining: '0', reset: String(retryAfter), contentType: 'application/json; charset=utf-8' });
    expect(limited.body).toEqual({
      errors: [{ message: `Rate limit exceeded; retry after ${retryAfter} s.`, extensions: { code: 'RATE_LIMITED', retryAfterSeconds: retryAfter } }],
    });
  });

  it('refills: a limited client is served again once its window passes', async () => {
    const refilling = await startGateway({
      subgraphUrls: subgraphs.urls,
      config: { rateLimit: { tiers: { anonymous: { points: 2, durationSeconds: 1 } } } },
    });
    closeStack.push(refilling.close);
    let limited;
    for (let i = 0; i < 5 && limited === undefined; i++) {
      const response = await postGraphQL(refilling.url, QUERY);
      if (response.status === 429) limited = response;
    }
    expect(limited?.headers.get('retry-after')).toBe('1');
    await waitFor(async () => (await postGraphQL(refilling.url, QUERY)).status === 200, 3_000, 'the bucket to refill');
  });

  it('keeps clients apart: by IP, by API key client id with its tier, by JWT subject (real auth plugin)', async () => {
    expect(await statuses(behindProxy.url, 6, from('10.0.0.2'))).toEqual([200, 200, 200, 200, 200, 429]);
    expect((await postGraphQL(behindProxy.url, QUERY, from('10.0.0.3'))).status).toBe(200);
    const keyed = await postGraphQL(behindProxy.url, QUERY, from('10.0.0.2', { 'x-api-key': 'key-app-1' }));
    expect(keyed.status).toBe(200);
    expect(keyed.headers.get('ratelimit-limit')).toBe('9');
    const partner = await postGraphQL(behindProxy.url, QUERY, from('10.0.0.2', { 'x-api-key': 'key-app-2' }));
    expect(partner.headers.get('ratelimit-limit')).toBe('1000');
    // A JWT subject is its own client, whatever IP it calls from.
    const token = await mintToken(secretBytes(SECRET), { sub: 'user-42' });
    const jwt = (ip: string) => postGraphQL(behindProxy.url, QUERY, from(ip, { authorization: `Bearer ${token}` }));
    expect((await jwt('10.0.0.2')).headers.get('ratelimit-remaining')).toBe('6');
    expect((await jwt('10.0.0.2')).headers.get('ratelimit-remaining')).toBe('5');
    expect((await jwt('10.0.0.8')).headers.get('ratelimit-remaining')).toBe('4');
  });

  it('keys a JWT by its subject, never by its client_id/azp (users of one app do not share a bucket)', async () => {
    const alice = await mintToken(secretBytes(SECRET), { sub: 'alice-spa', claims: { client_id: 'spa', azp: 'spa' } });
    const bob = await mintToken(secretBytes(SECRET), { sub: 'bob-spa', claims: { client_id: 'spa', azp: 'spa' } });
    const remaining = async (token: string) =>
      (await postGraphQL(behindProxy.url, QUERY, from('10.0.2.1', { authorization: `Bearer ${token}` }))).headers.get('ratelimit-remaining');
    expect(await remaining(alice)).toBe('6');
    expect(await remaining(alice)).toBe('5');
    expect(await remaining(bob)).toBe('6');
  });

  it('ignores a spoofed X-Forwarded-For without trusted proxies', async () => {
    expect(await statuses(direct.url, 6)).toEqual([200, 200, 200, 200, 200, 429]);
    const spoofed = await postGraphQL(direct.url, QUERY, from('203.0.113.9'));
    expect(spoofed.status).toBe(429);
  });

  it('honours X-Forwarded-For from trusted proxies, reading right to left', async () => {
    expect(await statuses(behindProxy.url, 6, from('10.0.0.4'))).toEqual([200, 200, 200, 200, 200, 429]);
    // The client may prepend anything; the hop our proxy appended is what counts.
    expect((await postGraphQL(behindProxy.url, QUERY, from('198.51.100.7, 10.0.0.4'))).status).toBe(429);
    // Trusted hops (10.9.0.0/16) are skipped to reach the client.
    expect((await postGraphQL(behindProxy.url, QUERY, from('10.0.0.4, 10.9.1.1'))).status).toBe(429);
    expect((await postGraphQL(behindProxy.url, QUERY, from('10.0.0.5, 10.9.1.1'))).status).toBe(200);
  });

  it('applies a per-operation limit by IP on top of the tier', async () => {
    const register = (n: number) =>
      postGraphQL(
        behindProxy.url,
        `mutation registerUser { registerUser(input: { username: "rl_user_${n}", email: "rl${n}@example.com", name: "R" }) { id } }`,
        from('10.0.0.6'),
      );
    expect((await register(1)).status).toBe(200);
    expect((await register(2)).status).toBe(200);
    const accountsBefore = subgraphs.byName.accounts.stats.requests;
    const third = await register(3);
    expect(third.status).toBe(429);
    expect(third.headers.get('ratelimit-limit')).toBe('2');
    expect(third.body.errors?.[0].extensions?.code).toBe('RATE_LIMITED');
    expect(subgraphs.byName.accounts.stats.requests).toBe(accountsBefore);
    // Other operations from the same client still pass (the tier has points left).
    expect((await postGraphQL(behindProxy.url, QUERY, from('10.0.0.6'))).status).toBe(200);
  });

  it('applies an operation limit to every root field of that name: renaming or aliasing does not bypass it', async () => {
    const input = (n: string) => `(input: { username: "rl_${n}", email: "rl_${n}@example.com", name: "R" }) { id }`;
    const renamed = (n: string) => postGraphQL(behindProxy.url, `mutation signUp { registerUser${input(n)} }`, from('10.0.1.1'));
    expect((await renamed('ren1')).status).toBe(200);
    expect((await renamed('ren2')).status).toBe(200);
    expect((await renamed('ren3')).status).toBe(429);
    // Three aliases in one request cost 3 points of a 2-point bucket.
    const aliased = await postGraphQL(
      behindProxy.url,
      `mutation { a: registerUser${input('al1')} b: registerUser${input('al2')} c: registerUser${input('al3')} }`,
      from('10.0.1.2'),
    );
    expect(aliased.status).toBe(429);
    expect(aliased.body.errors?.[0].extensions?.code).toBe('RATE_LIMITED');
    // Through a fragment and an inline fragment: 2 points, then the bucket is empty.
    const fragments = `mutation { ...R ... on Mutation { b: registerUser${input('fr2')} } } fragment R on Mutation { registerUser${input('fr1')} }`;
    expect((await postGraphQL(behindProxy.url, fragments, from('10.0.1.3'))).status).toBe(200);
    expect((await postGraphQL(behindProxy.url, `mutation { registerUser${input('fr3')} }`, from('10.0.1.3'))).status).toBe(429);
    // An operation named like the limit is still charged at least 1.
    const named = () => postGraphQL(behindProxy.url, 'query registerUser { topProducts(first: 1) { upc } }', from('10.0.1.4'));
    expect((await named()).status).toBe(200);
    expect((await named()).status).toBe(200);
    expect((await named()).status).toBe(429);
  });

  it('counts requests that fail before their operation is known, with headers on each', async () => {
    const broken = '{ topProducts(first: 1) { upc ';
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await postGraphQL(behindProxy.url, broken, from('10.0.0.7')));
    expect(answers.map((a) => a.body.errors?.[0].extensions?.code)).toEqual(Array(5).fill('GRAPHQL_PARSE_FAILED'));
    expect(answers.map((a) => a.headers.get('ratelimit-remaining'))).toEqual(['2', '1', '0', '0', '0']);
    const sixth = await postGraphQL(behindProxy.url, broken, from('10.0.0.7'));
    expect(sixth.status).toBe(429);
    expect(sixth.headers.get('retry-after')).not.toBeNull();
    expect(sixth.body.errors?.[0].extensions?.code).toBe('RATE_LIMITED');
    expect((await postGraphQL(behindProxy.url, QUERY, from('10.0.0.7'))).status).toBe(429);
  });

  it('can be switched off', async () => {
    const open = await startGateway({ subgraphUrls: subgraphs.urls, config: { rateLimit: { enabled: false } } });
    closeStack.push(open.close);
    const response = await postGraphQL(open.url, QUERY);
    expect(response.status).toBe(200);
    expect(response.headers.get('ratelimit-limit')).toBeNull();
  });
});
