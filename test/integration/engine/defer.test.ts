import { parse, print, visit } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeCorpusSupergraph, startCorpusSubgraphs } from '../../conformance/harness/subgraph-servers.js';
import { link } from '../../conformance/harness/fixture.js';
import { startGateway, staticSupergraphSource, type StartedGateway } from '../../helpers/gateway.js';
import { postIncremental } from '../../helpers/incremental.js';
import { readMetric } from '../../helpers/metrics.js';
import { createCloseStack, startSubgraphs } from '../../helpers/subgraphs.js';
import type { RunningSubgraphs } from '../../../subgraphs/index.js';

/**
 * @defer as Apollo Router serves it: multipart/mixed with deferSpec=20220824, read by meros (the
 * parser GraphiQL and urql use). On the example graph against Switchyard on Apollo's executor
 * (which answers whole, the reference), and on a graph of its own whose deferred resolver waits
 * for the test, so the first payload is seen to arrive before the deferred part exists.
 */
const closeStack = createCloseStack();
let subgraphs: RunningSubgraphs;
let ours: StartedGateway;
let reference: StartedGateway;

beforeAll(async () => {
  subgraphs = await startSubgraphs();
  closeStack.push(subgraphs.close);
  const config = { logging: { level: 'warn' as const }, rateLimit: { enabled: false } };
  ours = await startGateway({ subgraphUrls: subgraphs.urls, config });
  closeStack.push(ours.close);
  reference = await startGateway({ subgraphUrls: subgraphs.urls, config: { ...config, server: { executor: 'apollo' } } });
  closeStack.push(reference.close);
});
afterAll(() => closeStack.drain());

/** Apollo's executor knows no @defer: the reference answers the same operation without it. */
async function wholeAnswer(query: string, variables?: Record<string, unknown>) {
  const undeferred = print(visit(parse(query), { Directive: (directive) => (directive.name.value === 'defer' ? null : undefined) }));
  const response = await fetch(reference.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query: undeferred, variables }),
  });
  return (await response.json()) as { data?: unknown; errors?: unknown[] };
}

const OPERATIONS: Array<{ name: string; query: string; variables?: Record<string, unknown> }> = [
  {
    name: 'a labelled block per list item, across subgraphs, with @requires',
    query: '{ topProducts(first: 3) { upc name ... @defer(label: "stock") { inStock shippingEstimate } } }',
  },
  {
    name: 'a block nested in a block, at list paths two levels down',
    query:
      '{ topProducts(first: 2) { upc ... @defer(label: "outer") { name reviews { body ... @defer(label: "inner") { author { username } } } } } }',
  },
  { name: 'a root-level block', query: '{ topProducts(first: 1) { upc } ... @defer(label: "who") { users(first: 2) { id username } } }' },
  {
    name: 'a deferred named fragment spread',
    query: '{ users(first: 2) { id ...Reviews @defer } } fragment Reviews on User { reviews { body product { name } } }',
  },
  {
    name: 'sibling blocks on one object',
    query: '{ product(upc: "1") { upc ... @defer(label: "a") { name } ... @defer(label: "b") { inStock } } }',
  },
];

describe('@defer over multipart/mixed', () => {
  for (const operation of OPERATIONS) {
    it(`${operation.name}: parts in order, merged equal to the whole answer`, async () => {
      const answer = await postIncremental(ours.url, { query: operation.query, variables: operation.variables });
      expect(answer.status).toBe(200);
      expect(answer.contentType).toBe('multipart/mixed; boundary="-"; deferSpec=20220824');
      expect(answer.payloads.length).toBeGreaterThan(1);
      expect(answer.payloads[0]!.hasNext).toBe(true);
      expect(answer.payloads.at(-1)!.hasNext).toBe(false);
      for (const payload of answer.payloads.slice(0, -1)) expect(payload.hasNext).toBe(true);
      expect(answer.unplaced).toEqual([]);
      expect(answer.merged).toEqual({ data: (await wholeAnswer(operation.query, operation.variables)).data, errors: [] });
    });
  }

  it('the initial payload leaves the deferred fields out and items carry labels and paths', async () => {
    const answer = await postIncremental(ours.url, { query: OPERATIONS[0]!.query });
    const initial = answer.payloads[0]!.data as { topProducts: Array<Record<string, unknown>> };
    expect(initial.topProducts).toHaveLength(3);
    for (const product of initial.topProducts) expect(Object.keys(product).sort()).toEqual(['name', 'upc']);
    const items = answer.payloads.flatMap((payload) => payload.incremental ?? []);
    expect(items.map((item) => [item.label, item.path])).toEqual([
      ['stock', ['topProducts', 0]],
      ['stock', ['topProducts', 1]],
      ['stock', ['topProducts', 2]],
    ]);
    for (const item of items) expect(Object.keys(item.data!).sort()).toEqual(['inStock', 'shippingEstimate']);
  });

  it('@defer(if: $v) defers only when v is true; the default applies when v is omitted', async () => {
    const query = 'query($v: Boolean = true) { product(upc: "2") { upc ... @defer(if: $v) { name } } }';
    const deferred = await postIncremental(ours.url, { query });
    expect(deferred.contentType).toContain('multipart/mixed');
    expect(deferred.payloads[0]!.data).toEqual({ product: { upc: '2' } });
    const whole = await postIncremental(ours.url, { query, variables: { v: false } });
    expect(whole.contentType).toContain('application/json');
    expect(whole.payloads).toHaveLength(1);
    expect(whole.merged.data).toEqual(deferred.merged.data);
  });

  it('a client that does not accept multipart gets the whole answer as one JSON body', async () => {
    const query = OPERATIONS[1]!.query;
    const response = await fetch(ours.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(await response.json()).toEqual(await wholeAnswer(query));
  });

  it('a client accepting only multipart/mixed still gets the initial payload', async () => {
    const response = await fetch(ours.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'multipart/mixed' },
      body: JSON.stringify({ query: OPERATIONS[0]!.query }),
    });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text.startsWith('\r\n---\r\ncontent-type: application/json; charset=utf-8\r\n\r\n')).toBe(true);
    expect(text.endsWith('\r\n-----\r\n')).toBe(true);
  });

  it('deferred operations run on our executor, not a fallback', async () => {
    const before = await readMetric(ours.url.replace('/graphql', '/metrics'), 'switchyard_executor_fallbacks_total');
    await postIncremental(ours.url, { query: OPERATIONS[2]!.query });
    expect(await readMetric(ours.url.replace('/graphql', '/metrics'), 'switchyard_executor_fallbacks_total')).toBe(before);
  });

  it('a field the caller may not see, inside a deferred block, is null with UNAUTHORIZED_FIELD_OR_TYPE at its full path', async () => {
    const answer = await postIncremental(ours.url, { query: '{ users(first: 2) { id ... @defer(label: "private") { username email } } }' });
    expect(answer.payloads[0]!.errors).toBeUndefined();
    const items = answer.payloads.flatMap((payload) => payload.incremental ?? []);
    expect(items).toHaveLength(2);
    items.forEach((item, index) => {
      expect(item.data).toEqual({ username: expect.any(String), email: null });
      expect(item.errors).toEqual([
        { message: 'Unauthorized field or type.', path: ['users', index, 'email'], extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' } },
      ]);
    });
  });

  it('a subgraph failing in a deferred block: the initial payload is whole, the items carry coded errors', async () => {
    subgraphs.byName.inventory.setFaults({ mode: 'graphqlError' });
    try {
      const answer = await postIncremental(ours.url, { query: OPERATIONS[0]!.query });
      expect(answer.status).toBe(200);
      expect(answer.payloads[0]!.errors).toBeUndefined();
      expect((answer.payloads[0]!.data as { topProducts: unknown[] }).topProducts).toHaveLength(3);
      const errors = answer.payloads.flatMap((payload) => (payload.incremental ?? []).flatMap((item) => item.errors ?? []));
      expect(errors.length).toBeGreaterThan(0);
      for (const error of errors) {
        expect(error.extensions?.code).toBeTypeOf('string');
        expect(error.extensions?.code).not.toBe('INTERNAL_SERVER_ERROR');
        expect(error.path?.[0]).toBe('topProducts');
      }
      expect(answer.payloads.at(-1)!.hasNext).toBe(false);
    } finally {
      subgraphs.byName.inventory.setFaults({});
    }
  });

  it('a client leaving in the middle of the stream leaves the gateway serving', async () => {
    subgraphs.byName.inventory.setFaults({ delayMs: 300 });
    try {
      const controller = new AbortController();
      const response = await fetch(ours.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'multipart/mixed;deferSpec=20220824' },
        body: JSON.stringify({ query: OPERATIONS[0]!.query }),
        signal: controller.signal,
      });
      const reader = response.body!.getReader();
      await reader.read();
      controller.abort();
    } finally {
      subgraphs.byName.inventory.setFaults({});
    }
    const after = await postIncremental(ours.url, { query: OPERATIONS[0]!.query });
    expect(after.payloads.at(-1)!.hasNext).toBe(false);
  });
});

describe('@defer streams: the first payload does not wait for the deferred part', () => {
  const stack = createCloseStack();
  let gateway: StartedGateway;
  let release: () => void = () => {};
  const gate = () => new Promise<void>((resolve) => (release = resolve));
  let pending: Promise<void> = Promise.resolve();

  beforeAll(async () => {
    const fixture = {
      orders: {
        typeDefs: `${link('@key')}
          type Query { orders: [Order!]! }
          type Order @key(fields: "id") { id: ID! total: Int! }`,
        resolvers: {
          Query: {
            orders: () => [
              { id: 'o1', total: 10 },
              { id: 'o2', total: 25 },
            ],
          },
        },
      },
      shipping: {
        typeDefs: `${link('@key')}
          type Order @key(fields: "id") { id: ID! eta: String! }`,
        resolvers: {
          Order: {
            __resolveReference: (ref: { id: string }) => ref,
            eta: async (order: { id: string }) => {
              await pending;
              return `eta of ${order.id}`;
            },
          },
        },
      },
    };
    const servers = await startCorpusSubgraphs(fixture);
    stack.push(servers.close);
    const supergraphSdl = composeCorpusSupergraph(fixture, servers.urls);
    gateway = await startGateway({ supergraphSource: staticSupergraphSource(supergraphSdl), config: { logging: { level: 'warn' } } });
    stack.push(gateway.close);
  });
  afterAll(() => stack.drain());

  it('the initial payload arrives while the deferred resolver is still waiting', async () => {
    pending = gate();
    let waitingWhenInitialArrived: boolean | undefined;
    let released = false;
    const answer = await postIncremental(gateway.url, { query: '{ orders { id total ... @defer(label: "eta") { eta } } }' }, {}, () => {
      if (waitingWhenInitialArrived === undefined) {
        waitingWhenInitialArrived = !released;
        released = true;
        release();
      }
    });
    expect(waitingWhenInitialArrived).toBe(true);
    expect(answer.payloads[0]!.data).toEqual({
      orders: [
        { id: 'o1', total: 10 },
        { id: 'o2', total: 25 },
      ],
    });
    expect(answer.merged.data).toEqual({
      orders: [
        { id: 'o1', total: 10, eta: 'eta of o1' },
        { id: 'o2', total: 25, eta: 'eta of o2' },
      ],
    });
  });
});
