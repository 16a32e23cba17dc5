import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type StartedGateway } from '../../helpers/gateway.js';
import { createCloseStack, postGraphQL, startSubgraphs } from '../../helpers/subgraphs.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const MiB = 1024 * 1024;

const closeStack = createCloseStack();
let gateway: StartedGateway;
// Budgets of every per-document cache, and what else may legitimately grow (plans, logs, JIT).
const DOCUMENT_BYTES = 8 * MiB;
const FILTER_BYTES = 4 * MiB;
const ADMITTED_LIMITS_BYTES = 8 * MiB; // operation-limits.ts DEFAULT_ADMITTED_CACHE_BYTES
const SLACK = 24 * MiB;

beforeAll(async () => {
  const subgraphs = await startSubgraphs();
  closeStack.push(subgraphs.close);
  gateway = await startGateway({
    subgraphUrls: subgraphs.urls,
    config: {
      rateLimit: { enabled: false }, // the worst case: every document gets through to the caches
      caches: { documentBytes: DOCUMENT_BYTES, authorizationFilterBytes: FILTER_BYTES },
      logging: { level: 'warn', requests: false },
    },
  });
  closeStack.push(gateway.close);
});
afterAll(() => closeStack.drain());

function heapUsed(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

describe('memory stays bounded under a flood of unique large documents', () => {
  it('300 unique documents of 256 KB (75 MB in all, a comment makes each unique) grow the heap by less than the cache budgets', async () => {
    const query = (i: number) => `# ${i} ${'x'.repeat(256 * 1024)}\n{ topProducts(first: 1) { upc } }`;
    // Warm up: plans, JIT, pools.
    for (let i = 0; i < 20; i++) expect((await postGraphQL(gateway.url, query(-i - 1))).body.errors).toBeUndefined();
    const before = heapUsed();
    for (let i = 0; i < 300; i++) {
      const { body } = await postGraphQL(gateway.url, query(i));
      expect(body.errors).toBeUndefined();
    }
    const growth = heapUsed() - before;
    expect(growth).toBeLessThan(DOCUMENT_BYTES + FILTER_BYTES + ADMITTED_LIMITS_BYTES + SLACK);
  }, 60_000);
});
