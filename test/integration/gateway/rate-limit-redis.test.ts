import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, waitFor, type StartedGateway } from '../../helpers/gateway.js';
import { startRedis, type RunningRedis } from '../../helpers/redis.js';
import { createCloseStack, postGraphQL, startSubgraphs, type RunningSubgraphs } from '../../helpers/subgraphs.js';

const closeStack = createCloseStack();
let subgraphs: RunningSubgraphs;
let redis: RunningRedis;
let probe: Redis;
let replicaA: StartedGateway;
let replicaB: StartedGateway;
let failClosed: StartedGateway;
const QUERY = '{ topProducts(first: 1) { upc } }';
const BUDGET = 4;

function replicaConfig(failOpen: boolean) {
  return {
    redis: { url: redis.url },
    rateLimit: {
      tiers: { anonymous: { points: BUDGET, durationSeconds: 60 } },
      trustedProxies: ['127.0.0.1'],
      failOpen,
      keyPrefix: failOpen ? 'test:shared' : 'test:closed',
    },
  };
}

beforeAll(async () => {
  subgraphs = await startSubgraphs();
  closeStack.push(subgraphs.close);
  redis = await startRedis();
  closeStack.push(redis.stop);
  probe = new Redis(redis.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy: () => 100 });
  probe.on('error', () => undefined);
  closeStack.push(async () => probe.disconnect());
  replicaA = await startGateway({ subgraphUrls: subgraphs.urls, config: replicaConfig(true) });
  closeStack.push(replicaA.close);
  replicaB = await startGateway({ subgraphUrls: subgraphs.urls, config: replicaConfig(true) });
  closeStack.push(replicaB.close);
  failClosed = await startGateway({ subgraphUrls: subgraphs.urls, config: replicaConfig(false) });
  closeStack.push(failClosed.close);
  await waitFor(() => probe.status === 'ready', 5_000, 'the probe to connect');
});
afterAll(() => closeStack.drain());

const from = (ip: string) => ({ headers: { 'x-forwarded-for': ip } });

/** Alternates requests between the two replicas; returns how many were served. */
async function servedAcrossReplicas(ip: string, requests: number): Promise<number> {
  let served = 0;
  for (let i = 0; i < requests; i++) {
    const replica = i % 2 === 0 ? replicaA : replicaB;
    const { status } = await postGraphQL(replica.url, QUERY, from(ip));
    if (status === 200) served++;
    else expect(status).toBe(429);
  }
  return served;
}

describe('rate limit across replicas sharing one redis-server', () => {
  it('two gateways enforce one budget: a client allowed N gets N in total', async () => {
    expect(await servedAcrossReplicas('10.1.0.1', BUDGET * 3)).toBe(BUDGET);
    expect(await probe.exists('test:shared:tier:anonymous:ip:10.1.0.1')).toBe(1);
    // Another client has its own budget.
    expect(await servedAcrossReplicas('10.1.0.2', 2)).toBe(2);
  });

  it('Redis down: fail-open replicas serve (limited per process) and log it; fail-closed answers 503; back: shared again', async () => {
    await redis.stop();
    await waitFor(async () => (await postGraphQL(failClosed.url, QUERY, from('10.1.0.3'))).status === 503, 5_000, 'fail-closed to notice');

    const closed = await postGraphQL(failClosed.url, QUERY, from('10.1.0.3'));
    expect(closed.status).toBe(503);
    expect(closed.headers.get('retry-after')).toBe('1');
    expect(closed.body).toEqual({
      errors: [{ message: 'Rate limiting is temporarily unavailable; retry shortly.', extensions: { code: 'SERVICE_UNAVAILABLE' } }],
    });

    // Fail open: served, and each replica still caps the client by itself.
    const open = await postGraphQL(replicaA.url, QUERY, from('10.1.0.4'));
    expect(open.status).toBe(200);
    expect(open.headers.get('ratelimit-limit')).toBe(String(BUDGET));
    let servedByA = 1;
    for (let i = 0; i < BUDGET + 2; i++) if ((await postGraphQL(replicaA.url, QUERY, from('10.1.0.4'))).status === 200) servedByA++;
    expect(servedByA).toBe(BUDGET);
    const warnings = replicaA.logs.filter((l) => l.msg?.startsWith('rate-limit store (Redis) unreachable'));
    expect(warnings).toHaveLength(1);

    await redis.restart();
    await waitFor(async () => (await postGraphQL(failClosed.url, QUERY, from('10.1.0.5'))).status === 200, 10_000, 'fail-closed to recover');
    // One client per replica: a key in Redis proves that replica counts there again (a shared key at
    // 2 could be one replica's two requests while the other still counts in memory).
    await waitFor(
      async () => {
        await postGraphQL(replicaA.url, QUERY, from('10.1.0.6'));
        await postGraphQL(replicaB.url, QUERY, from('10.1.0.8'));
        const [a, b] = await Promise.all([
          probe.exists('test:shared:tier:anonymous:ip:10.1.0.6'),
          probe.exists('test:shared:tier:anonymous:ip:10.1.0.8'),
        ]);
        return a === 1 && b === 1;
      },
      10_000,
      'both replicas to count in Redis again',
    );
    expect(await servedAcrossReplicas('10.1.0.7', BUDGET * 2)).toBe(BUDGET);
  });
});
