import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type StartedGateway } from '../../helpers/gateway.js';
import { readMetric } from '../../helpers/metrics.js';
import { createCloseStack, postGraphQL, startSubgraphs, type RunningSubgraphs } from '../../helpers/subgraphs.js';

/**
 * server.executionConcurrency: with the limit always on (busyAbove 0), executions beyond it wait their
 * turn and are counted; every answer is still whole and right. (The event loop gate, releaseAfterMs
 * and leaving the queue on abort: test/unit/gateway/engine/executor/admission.test.ts.)
 */
const QUERY = (n: number) => `{ topProducts(first: ${n}) { upc name inStock } }`;
const closeStack = createCloseStack();
let subgraphs: RunningSubgraphs;

beforeAll(async () => {
  // products answers after 200 ms: concurrent requests overlap.
  subgraphs = await startSubgraphs({ products: { faults: { delayMs: 200 } } });
  closeStack.push(subgraphs.close);
});
afterAll(() => closeStack.drain());

async function gatewayWith(executionConcurrency: Record<string, number>): Promise<StartedGateway> {
  const gateway = await startGateway({
    subgraphUrls: subgraphs.urls,
    config: { logging: { level: 'warn' }, rateLimit: { enabled: false }, server: { inboundDedup: false, executionConcurrency } },
  });
  closeStack.push(gateway.close);
  return gateway;
}

const queued = (gateway: StartedGateway) => readMetric(gateway.url, 'switchyard_executions_queued_total');

describe('execution concurrency', () => {
  it('beyond the limit executions wait their turn (counted), and every answer is whole', async () => {
    const gateway = await gatewayWith({ limit: 1, busyAbove: 0, releaseAfterMs: 60_000 });
    const before = await queued(gateway);
    const answers = await Promise.all([1, 2, 3].map((n) => postGraphQL(gateway.url, QUERY(n))));
    for (const [i, answer] of answers.entries()) {
      expect(answer.body.errors).toBeUndefined();
      expect((answer.body.data as { topProducts: unknown[] }).topProducts).toHaveLength(i + 1);
    }
    expect(await queued(gateway)).toBe(before + 2);
  });

  it('limit 0 turns it off: nothing waits', async () => {
    const gateway = await gatewayWith({ limit: 0, busyAbove: 0 });
    await Promise.all([1, 2, 3].map((n) => postGraphQL(gateway.url, QUERY(n))));
    expect(await queued(gateway)).toBe(0);
  });
});
