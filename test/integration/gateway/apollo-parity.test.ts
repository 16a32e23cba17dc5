import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plainApolloSupergraph } from '../../helpers/plain-apollo.js';
import { HEAVY_QUERY } from '../../bench/heavy-query.js';
import { startGateway, type StartedGateway } from '../../helpers/gateway.js';
import { createCloseStack, postGraphQL, startSubgraphs, type RunningSubgraphs } from '../../helpers/subgraphs.js';

const closeStack = createCloseStack();
let subgraphs: RunningSubgraphs;
let switchyard: StartedGateway;
let plainUrl: string;

beforeAll(async () => {
  subgraphs = await startSubgraphs();
  closeStack.push(subgraphs.close);
  switchyard = await startGateway({ subgraphUrls: subgraphs.urls, config: { cost: { maxCost: 100_000 } } });
  closeStack.push(switchyard.close);
  // Plain Apollo Gateway on the very supergraph Switchyard serves (SECURITY purpose cleared, as a
  // plain-gateway user must), with its default fetcher and executor.
  const plain = new ApolloServer({
    gateway: new ApolloGateway({ supergraphSdl: plainApolloSupergraph(switchyard.gateway.supergraph!.supergraphSdl) }),
  });
  const { url } = await startStandaloneServer(plain, { listen: { port: 0, host: '127.0.0.1' } });
  plainUrl = url;
  closeStack.push(() => plain.stop());
});
afterAll(() => closeStack.drain());

describe('same answers as plain Apollo Gateway', () => {
  it.each([
    { case: 'the benchmark heavy query (fragments, 16 fetches, @requires)', query: HEAVY_QUERY },
    { case: 'aliases and __typename', query: '{ a: topProducts(first: 2) { __typename upc shipping: shippingEstimate } b: users(first: 2) { id } }' },
    {
      case: 'repeated entities across lists',
      query:
        '{ users(first: 6) { reviews(first: 5) { product { upc name inStock } } } topProducts(first: 5) { reviews(first: 5) { author { username } product { name } } } }',
    },
  ])('$case', async ({ query }) => {
    const [ours, theirs] = await Promise.all([postGraphQL(switchyard.url, query), postGraphQL(plainUrl, query)]);
    expect(ours.body.errors).toBeUndefined();
    expect(JSON.stringify(ours.body)).toBe(JSON.stringify(theirs.body));
  });

  it('sends each distinct entity representation once per fetch', async () => {
    subgraphs.byName.inventory.resetStats();
    await postGraphQL(switchyard.url, HEAVY_QUERY);
    const fetches = subgraphs.byName.inventory.stats.requestLog.map((entry) => (entry.body as any).variables?.representations as unknown[]);
    expect(fetches.length).toBeGreaterThan(0);
    for (const representations of fetches) {
      const keys = representations.map((r) => JSON.stringify(r));
      expect(new Set(keys).size).toBe(keys.length);
    }
  });
});
