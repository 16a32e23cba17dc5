import { copyFileSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, startGateway, waitFor, type StartedGateway } from '../../helpers/gateway.js';
import { createCloseStack, postGraphQL, startSubgraphs, type RunningSubgraphs } from '../../helpers/subgraphs.js';

const closeStack = createCloseStack();
let subgraphs: RunningSubgraphs;
let gateway: StartedGateway;
const MAX_COST = 50;
// 3 × (Product 1 + 4 × (Review 1 + User 1)) = 27
const NESTED = '{ topProducts(first: 3) { upc reviews(first: 4) { rating author { username } } } }';

beforeAll(async () => {
  subgraphs = await startSubgraphs();
  closeStack.push(subgraphs.close);
  gateway = await startGateway({
    subgraphUrls: subgraphs.urls,
    config: {
      cost: { maxCost: MAX_COST },
      rateLimit: { chargeByCost: true, tiers: { anonymous: { points: 60, durationSeconds: 60 } } },
    },
  });
  closeStack.push(gateway.close);
});
afterAll(() => closeStack.drain());

const totalSubgraphRequests = () => Object.values(subgraphs.byName).reduce((sum, s) => sum + s.stats.requests, 0);

describe('demand control', () => {
  it('refuses an operation above the maximum with COST_LIMIT_EXCEEDED, calling no subgraph', async () => {
    const before = totalSubgraphRequests();
    const { status, body, headers } = await postGraphQL(gateway.url, 'query Big($n: Int) { topProducts(first: $n) { reviews(first: 10) { id } } }', {
      variables: { n: 20 },
    });
    expect(totalSubgraphRequests()).toBe(before);
    expect(status).toBe(400);
    expect(body).toEqual({
      errors: [
        {
          message: `Operation cost ${20 * 11} exceeds the maximum of ${MAX_COST}; ask for fewer items (smaller first/limit) or fewer nested lists.`,
          extensions: { code: 'COST_LIMIT_EXCEEDED', estimatedCost: 220, maxCost: MAX_COST },
        },
      ],
    });
    // Still a response of a limited client: it carries the RateLimit fields.
    expect(headers.get('ratelimit-limit')).toBe('60');
  });

  it('serves an operation within the maximum, and charges the rate limit by its cost', async () => {
    const first = await postGraphQL(gateway.url, NESTED);
    expect(first.status).toBe(200);
    expect(first.body.data?.topProducts).toHaveLength(3);
    const remaining = Number(first.headers.get('ratelimit-remaining'));
    const second = await postGraphQL(gateway.url, NESTED);
    expect(remaining - Number(second.headers.get('ratelimit-remaining'))).toBe(27);
    const third = await postGraphQL(gateway.url, NESTED);
    expect(third.status).toBe(429);
  });
});

describe('demand control follows supergraph reloads', () => {
  it('re-reads @listSize when a subgraph schema changes, without a restart', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'switchyard-cost-'));
    const lines = ['federation_version: =2.9.0', 'subgraphs:'];
    for (const [name, url] of Object.entries(subgraphs.urls)) {
      copyFileSync(join(REPO_ROOT, 'subgraphs', name, 'schema.graphql'), join(folder, `${name}.graphql`));
      lines.push(`  ${name}:`, `    routing_url: ${url}`, '    schema:', `      file: ./${name}.graphql`);
    }
    writeFileSync(join(folder, 'supergraph.yaml'), lines.join('\n') + '\n');
    const reloading = await startGateway({
      config: {
        supergraph: { source: 'compose', configPath: join(folder, 'supergraph.yaml'), pollIntervalSeconds: 0 },
        cost: { maxCost: 20 },
      },
    });
    closeStack.push(reloading.close);
    // No `first`: the size is @listSize(assumedSize: 5), cost 5.
    const query = '{ topProducts { upc } }';
    expect((await postGraphQL(reloading.url, query)).status).toBe(200);
    const products = join(folder, 'products.graphql');
    writeFileSync(`${products}.tmp`, readFileSync(products, 'utf8').replace('assumedSize: 5', 'assumedSize: 50'));
    renameSync(`${products}.tmp`, products);
    await waitFor(async () => (await postGraphQL(reloading.url, query)).body.errors?.[0]?.extensions?.estimatedCost === 50, 5_000, 'the new cost');
  });
});
