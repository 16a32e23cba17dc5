import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type StartedGateway } from '../../helpers/gateway.js';
import { createCloseStack, postGraphQL, startSubgraphs, type RunningSubgraphs } from '../../helpers/subgraphs.js';
import { mintToken, secretBytes } from '../../helpers/tokens.js';

const closeStack = createCloseStack();
let subgraphs: RunningSubgraphs;
let gateway: StartedGateway;
const QUERY = '{ topProducts(first: 1) { upc } }';
const SECRET = 'failed-auth-test-secret-0123456789abcdef';

beforeAll(async () => {
  subgraphs = await startSubgraphs();
  closeStack.push(subgraphs.close);
  gateway = await startGateway({
    subgraphUrls: subgraphs.urls,
    env: { SWITCHYARD_JWT_SECRET: SECRET },
    config: { rateLimit: { failedAuth: { points: 3, durationSeconds: 60 }, trustedProxies: ['127.0.0.1'] } },
  });
  closeStack.push(gateway.close);
});
afterAll(() => closeStack.drain());

const as = (ip: string, token: string) => ({ headers: { 'x-forwarded-for': ip, authorization: `Bearer ${token}` } });

describe('rate limit: failed authentications per client IP', () => {
  it('answers 429 once an IP spent its failed-auth budget, before checking its credential; other IPs are unaffected', async () => {
    const good = await mintToken(secretBytes(SECRET), { sub: 'user-1' });
    const bad = `${good.slice(0, -4)}AAAA`;
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await postGraphQL(gateway.url, QUERY, as('10.1.0.1', bad))).status);
    expect(statuses).toEqual([401, 401, 401]);

    const limited = await postGraphQL(gateway.url, QUERY, as('10.1.0.1', bad));
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.body.errors?.[0].extensions?.code).toBe('RATE_LIMITED');
    // Refused before verification: even a valid credential from that IP waits.
    expect((await postGraphQL(gateway.url, QUERY, as('10.1.0.1', good))).status).toBe(429);
    // Without a credential there is nothing to guess: served anonymously (optional mode), no store read.
    expect((await postGraphQL(gateway.url, QUERY, { headers: { 'x-forwarded-for': '10.1.0.1' } })).status).toBe(200);
    expect((await postGraphQL(gateway.url, QUERY, { headers: { 'x-forwarded-for': '10.1.0.1', 'x-api-key': 'guess' } })).status).toBe(429);

    expect((await postGraphQL(gateway.url, QUERY, as('10.1.0.2', good))).status).toBe(200);
    expect((await postGraphQL(gateway.url, QUERY, as('10.1.0.2', bad))).status).toBe(401);
  });

  it('does not count successful authentications', async () => {
    const good = await mintToken(secretBytes(SECRET), { sub: 'user-2' });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await postGraphQL(gateway.url, QUERY, as('10.1.0.3', good))).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
  });
});
