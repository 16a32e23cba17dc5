import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeSupergraph } from '../../../gateway/supergraph/index.js';
import { startCorpusSubgraphs } from '../../conformance/harness/subgraph-servers.js';
import { link } from '../../conformance/harness/fixture.js';
import { startGateway, staticSupergraphSource, type StartedGateway } from '../../helpers/gateway.js';
import { readMetric } from '../../helpers/metrics.js';
import { createCloseStack } from '../../helpers/subgraphs.js';

// Two subgraphs where progressive override decides who answers: `legacy` answers negative numbers,
// `modern` positive ones, so each response says which subgraph the plan used.
const products = [{ id: 'p1' }, { id: 'p2' }];
const SUBGRAPHS = {
  legacy: {
    typeDefs: `${link('@key')}
      type Query { products: [Product!]! }
      type Product @key(fields: "id") { id: ID! half: Int! custom: Int! always: Int! }`,
    resolvers: {
      Query: { products: () => products },
      Product: { __resolveReference: (ref: { id: string }) => ref, half: () => -1, custom: () => -1, always: () => -1 },
    },
  },
  modern: {
    typeDefs: `${link('@key', '@override')}
      type Product @key(fields: "id") {
        id: ID!
        half: Int! @override(from: "legacy", label: "percent(50)")
        custom: Int! @override(from: "legacy", label: "catalog-v2")
        always: Int! @override(from: "legacy")
      }`,
    resolvers: { Product: { __resolveReference: (ref: { id: string }) => ref, half: () => 1, custom: () => 1, always: () => 1 } },
  },
};

async function graphql(gateway: StartedGateway, query: string): Promise<any> {
  const response = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  return response.json();
}

describe("Switchyard's executor", () => {
  const closeStack = createCloseStack();
  let withLabel: StartedGateway;
  let defaults: StartedGateway;

  beforeAll(async () => {
    const subgraphs = await startCorpusSubgraphs(SUBGRAPHS);
    closeStack.push(subgraphs.close);
    const { supergraphSdl } = composeSupergraph(
      Object.entries(SUBGRAPHS).map(([name, subgraph]) => ({ name, url: subgraphs.urls[name], sdl: subgraph.typeDefs })),
    );
    const start = (config: Record<string, unknown>) =>
      startGateway({ supergraphSource: staticSupergraphSource(supergraphSdl), config: { logging: { level: 'warn' }, ...config } });
    withLabel = await start({ server: { overrideLabels: ['catalog-v2'] } });
    closeStack.push(withLabel.close);
    defaults = await start({});
    closeStack.push(defaults.close);
  });
  afterAll(() => closeStack.drain());

  it('routes a field to the overriding subgraph when its custom label is on in config, and not otherwise', async () => {
    expect(await graphql(withLabel, '{ products { custom always } }')).toEqual({
      data: {
        products: [
          { custom: 1, always: 1 },
          { custom: 1, always: 1 },
        ],
      },
    });
    expect(await graphql(defaults, '{ products { custom always } }')).toEqual({
      data: {
        products: [
          { custom: -1, always: 1 },
          { custom: -1, always: 1 },
        ],
      },
    });
  });

  it('draws percent(50) per request: both subgraphs answer over 60 requests, every answer consistent', async () => {
    const seen = new Set<number>();
    for (let i = 0; i < 60; i++) {
      const body = await graphql(defaults, '{ products { id half } }');
      expect(body.errors).toBeUndefined();
      const values = body.data.products.map((p: { half: number }) => p.half);
      // One plan per request: both products come from the same subgraph.
      expect(new Set(values).size).toBe(1);
      seen.add(values[0]);
    }
    expect([...seen].sort()).toEqual([-1, 1]);
  });

  it("hands introspection to Apollo's executor and counts it by reason", async () => {
    const before = await readMetric(defaults.url, 'switchyard_executor_fallbacks_total', { reason: 'introspection' });
    const body = await graphql(defaults, '{ __schema { queryType { name } } }');
    expect(body).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
    expect(await readMetric(defaults.url, 'switchyard_executor_fallbacks_total', { reason: 'introspection' })).toBe(before + 1);
    await graphql(defaults, '{ products { id } }');
    expect(await readMetric(defaults.url, 'switchyard_executor_fallbacks_total', { reason: 'introspection' })).toBe(before + 1);
  });
});
