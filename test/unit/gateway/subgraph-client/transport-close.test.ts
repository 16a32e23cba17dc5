import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../../gateway/observability/index.js';
import { classifySubgraphFailure } from '../../../../gateway/engine/failure.js';
import { createHttpTransport, SubgraphTransportClosedError } from '../../../../gateway/subgraph-client/http-transport.js';
import { createSubgraphClient } from '../../../../gateway/subgraph-client/subgraph-client.js';
import { buildSupergraphModel, composeSupergraph } from '../../../../gateway/supergraph/index.js';
import { createCloseStack, startSubgraphs, type RunningSubgraphs } from '../../../helpers/subgraphs.js';

const closeStack = createCloseStack();
let subgraphs: RunningSubgraphs;
const BODY = JSON.stringify({ query: '{ topProducts(first: 1) { upc } }' });
const HEADERS = { 'content-type': 'application/json' };

beforeAll(async () => {
  subgraphs = await startSubgraphs();
  closeStack.push(subgraphs.close);
});
afterAll(() => closeStack.drain());

describe('closed subgraph transports', () => {
  it('refuse requests after close instead of opening a new pool, as a non-retryable "unavailable"', async () => {
    const transport = createHttpTransport({ maxConnections: 2 });
    const url = new URL(subgraphs.urls.products);
    expect((await transport.post(url, BODY, HEADERS, undefined)).status).toBe(200);
    await transport.close();
    expect(transport.closed).toBe(true);
    const error = await transport.post(url, BODY, HEADERS, undefined).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SubgraphTransportClosedError);
    expect(classifySubgraphFailure('products', error).code).toBe('SUBGRAPH_UNAVAILABLE');
    expect(subgraphs.byName.products.stats.requests).toBe(1);
  });

  it('retain() forgets subgraphs that left the supergraph and keeps the others', async () => {
    const client = createSubgraphClient({ logger: createLogger({ level: 'silent' }) });
    closeStack.push(() => client.close());
    client.register('products', subgraphs.urls.products);
    client.register('inventory', subgraphs.urls.inventory);
    client.retain(['products']);
    expect((await client.send({ subgraph: 'products', body: BODY, headers: HEADERS, kind: 'query' })).status).toBe(200);
    await expect((async () => client.send({ subgraph: 'inventory', body: BODY, headers: HEADERS, kind: 'query' }))()).rejects.toThrow(
      /not registered/,
    );
  });

  it('reads the subgraph names of a composed supergraph', () => {
    const sdl = (name: string) =>
      `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])\ntype Query { ${name}: String }\n`;
    const { supergraphSdl } = composeSupergraph([
      { name: 'alpha', url: 'http://a.test/graphql', sdl: sdl('a') },
      { name: 'beta-two', url: 'http://b.test/graphql', sdl: sdl('b') },
    ]);
    expect([...buildSupergraphModel(supergraphSdl).subgraphNames].sort()).toEqual(['alpha', 'beta-two']);
    expect(buildSupergraphModel('type Query { a: String }').subgraphNames).toEqual([]);
  });
});
