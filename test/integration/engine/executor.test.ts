import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeCorpusSupergraph, startCorpusSubgraphs } from '../../conformance/harness/subgraph-servers.js';
import { link } from '../../conformance/harness/fixture.js';
import { startGateway, staticSupergraphSource, type StartedGateway } from '../../helpers/gateway.js';
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

async function graphqlWith(url: string, query: string, variables: Record<string, unknown>, headers: Record<string, string> = {}): Promise<any> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: await response.json() };
}

async function graphql(gateway: StartedGateway, query: string): Promise<any> {
  const response = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  return response.json();
}

describe("Switchyard's executor", () => {
  const closeStack = createCloseStack();
  let withLabel: StartedGateway;
  let defaults: StartedGateway;
  let exposing: StartedGateway;
  /** Plain @apollo/gateway on the same supergraph, showing plans (the reference for the plan header). */
  let plainUrl: string;

  beforeAll(async () => {
    const subgraphs = await startCorpusSubgraphs(SUBGRAPHS);
    closeStack.push(subgraphs.close);
    const supergraphSdl = composeCorpusSupergraph(SUBGRAPHS, subgraphs.urls);
    const start = (config: Record<string, unknown>) =>
      startGateway({ supergraphSource: staticSupergraphSource(supergraphSdl), config: { logging: { level: 'warn' }, ...config } });
    withLabel = await start({ server: { overrideLabels: ['catalog-v2'] } });
    closeStack.push(withLabel.close);
    defaults = await start({});
    closeStack.push(defaults.close);
    exposing = await start({ server: { exposeQueryPlans: true } });
    closeStack.push(exposing.close);
    const plain = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl, __exposeQueryPlanExperimental: true }) });
    plainUrl = (await startStandaloneServer(plain, { listen: { port: 0, host: '127.0.0.1' } })).url;
    closeStack.push(() => plain.stop());
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

  it('answers introspection itself (the served schema, @defer included), alone or beside data, without falling back', async () => {
    // Every fallback, whatever its reason.
    const count = async () =>
      (await (await fetch(new URL('/metrics', defaults.url))).text())
        .split('\n')
        .filter((line) => line.startsWith('switchyard_executor_fallbacks_total{'))
        .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
    const before = await count();
    const alone = await graphql(defaults, 'query { ...Q __typename } fragment Q on Query { __schema { queryType { name } directives { name } } }');
    expect(alone.data.__schema.queryType).toEqual({ name: 'Query' });
    expect(alone.data.__schema.directives.map((d: { name: string }) => d.name)).toContain('defer');
    expect(alone.data.__typename).toBe('Query');
    const mixed = await graphql(
      defaults,
      'query { a: __type(name: "Product") { name } products { id } ... on Query { ...T } } fragment T on Query { b: __type(name: "Query") { ...N } } fragment N on __Type { name }',
    );
    expect(mixed).toEqual({ data: { a: { name: 'Product' }, products: [{ id: 'p1' }, { id: 'p2' }], b: { name: 'Query' } } });
    expect(JSON.stringify(mixed.data).indexOf('"products"')).toBeLessThan(JSON.stringify(mixed.data).indexOf('"b"'));
    expect(await count()).toBe(before);
  });

  it('answers introspection inside root fragments carrying @include/@skip beside data (the planner alone cannot plan those)', async () => {
    const body = await graphqlWith(
      defaults.url,
      'query ($v: Boolean = true) { products { id } ... @include(if: $v) { __schema { queryType { name } } } ...F @skip(if: false) } fragment F on Query { t: __type(name: "Product") { name } }',
      {},
    );
    expect(body).toEqual({
      status: 200,
      body: { data: { products: [{ id: 'p1' }, { id: 'p2' }], __schema: { queryType: { name: 'Query' } }, t: { name: 'Product' } } },
    });
  });

  it('answers invalid variables itself, with the coercion errors plain Apollo Gateway gives', async () => {
    const query = 'query ($show: Boolean!) { products { id always @include(if: $show) } }';
    const ours = await graphqlWith(defaults.url, query, { show: 'yes' });
    const theirs = await graphqlWith(plainUrl, query, { show: 'yes' });
    expect(ours.body.errors).toEqual(theirs.body.errors);
    expect(ours.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(ours.body.errors[0].locations).toEqual([{ line: 1, column: 8 }]);
    expect(ours.body.data).toBeUndefined();
  });

  it.each(['prettified', 'internal'])(
    'shows the plan as plain Apollo Gateway does with server.exposeQueryPlans and the header (%s), and never without',
    async (format) => {
      const headers = { 'apollo-query-plan-experimental': '1', 'apollo-query-plan-experimental-format': format };
      const query = '{ products { id always } }';
      const ours = await graphqlWith(exposing.url, query, {}, headers);
      const theirs = await graphqlWith(plainUrl, query, {}, headers);
      expect(ours.body.data).toEqual(theirs.body.data);
      expect(ours.body.extensions.__queryPlanExperimental).toEqual(theirs.body.extensions.__queryPlanExperimental);
      expect(JSON.stringify(ours.body.extensions.__queryPlanExperimental)).toContain('Fetch');
      expect((await graphqlWith(defaults.url, query, {}, headers)).body.extensions).toBeUndefined();
    },
  );
});
