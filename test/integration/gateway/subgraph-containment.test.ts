import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { composeSupergraph } from '../../../gateway/supergraph/index.js';
import { startCorpusSubgraphs } from '../../conformance/harness/subgraph-servers.js';
import { link } from '../../conformance/harness/fixture.js';
import { startGateway, staticSupergraphSource, type StartedGateway } from '../../helpers/gateway.js';
import { createCloseStack, postGraphQL } from '../../helpers/subgraphs.js';

// A well-behaved `catalog` subgraph and a hostile `reviews` subgraph (a raw HTTP server whose
// answer each test picks), joined on Product: the catalog's data must survive whatever reviews sends.
const CATALOG = `${link('@key')} type Query { products: [Product!]! } type Product @key(fields: "id") { id: ID! name: String! }`;
const REVIEWS = `${link('@key')} type Query { topReview: String } type Product @key(fields: "id") { id: ID! rating: Int }`;
const products = [
  { id: '1', name: 'Chair' },
  { id: '2', name: 'Lamp' },
];

const closeStack = createCloseStack();
let answer: (body: { variables?: { representations?: unknown[] } }, res: ServerResponse) => void;
let gateway: StartedGateway;
let production: StartedGateway;

function json(res: ServerResponse, value: unknown): void {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

beforeAll(async () => {
  const catalog = await startCorpusSubgraphs({
    catalog: {
      typeDefs: CATALOG,
      resolvers: { Query: { products: () => products }, Product: { __resolveReference: (r: { id: string }) => products.find((p) => p.id === r.id) } },
    },
  });
  closeStack.push(catalog.close);
  const hostile = createServer((req: IncomingMessage, res: ServerResponse) => {
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => answer(JSON.parse(text), res));
  });
  await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.1', () => resolve()));
  closeStack.push(
    () =>
      new Promise<void>((resolve) => {
        hostile.close(() => resolve());
        hostile.closeAllConnections();
      }),
  );
  const reviewsUrl = `http://127.0.0.1:${(hostile.address() as AddressInfo).port}/graphql`;
  const { supergraphSdl } = composeSupergraph([
    { name: 'catalog', url: catalog.urls.catalog, sdl: CATALOG },
    { name: 'reviews', url: reviewsUrl, sdl: REVIEWS },
  ]);
  const config = { rateLimit: { enabled: false }, subgraphs: { defaults: { maxResponseBytes: 4 * 1024 * 1024, retry: { maxAttempts: 1 } } } };
  gateway = await startGateway({ supergraphSource: staticSupergraphSource(supergraphSdl), config });
  closeStack.push(gateway.close);
  production = await startGateway({ supergraphSource: staticSupergraphSource(supergraphSdl), config, env: { NODE_ENV: 'production' } });
  closeStack.push(production.close);
});
afterAll(() => closeStack.drain());
beforeEach(() => {
  answer = (body, res) => json(res, { data: { _entities: (body.variables?.representations ?? []).map(() => ({ rating: 5 })) } });
});

const QUERY = '{ products { id name rating } }';
const catalogData = (rating: number | null) => products.map((p) => ({ ...p, rating }));

describe('one misbehaving subgraph never breaks the whole response', () => {
  it('serves the joined answer when reviews behaves (the control)', async () => {
    const { body } = await postGraphQL(gateway.url, QUERY);
    expect(body).toEqual({ data: { products: catalogData(5) } });
  });

  it('an error whose extensions nest 100,000 deep: 200, the catalog data kept, a coded error', async () => {
    let deep = '1';
    for (let i = 0; i < 100_000; i++) deep = `{"a":${deep}}`;
    answer = (_body, res) =>
      json(
        res,
        `{"data":{"_entities":[null,null]},"errors":[{"message":"boom","path":["_entities",0,"rating"],"extensions":{"code":"X","deep":${deep}}}]}`,
      );
    const { status, body } = await postGraphQL(gateway.url, QUERY);
    expect(status).toBe(200);
    expect(body.data).toEqual({
      products: [
        { ...products[0], rating: null },
        { ...products[1], rating: null },
      ],
    });
    expect(body.errors?.[0]).toMatchObject({ message: 'boom', extensions: { code: 'X', subgraph: 'reviews' } });
    expect(JSON.stringify(body.errors)).not.toContain('"deep"');
  });

  it.each([
    ['data is a string', { data: 'nope' }],
    ['errors is not a list', { data: null, errors: { message: 'x' } }],
    ['errors holds strings', { data: null, errors: ['x'] }],
    ['_entities is not a list', { data: { _entities: { a: 1 } } }],
    ['_entities has the wrong length', { data: { _entities: [{ rating: 1 }] } }],
    ['not JSON at all', 'this is not json'],
  ])('%s: SUBGRAPH_ERROR at the affected paths, naming the subgraph', async (_case, reply) => {
    answer = (_body, res) => json(res, reply);
    const { status, body } = await postGraphQL(gateway.url, QUERY);
    expect(status).toBe(200);
    expect(body.data).toEqual({ products: catalogData(null) });
    expect(body.errors).toEqual([
      {
        message: 'Subgraph "reviews" returned an invalid response.',
        path: ['products', 0, 'rating'],
        extensions: { code: 'SUBGRAPH_ERROR', subgraph: 'reviews', serviceName: 'reviews' },
      },
      {
        message: 'Subgraph "reviews" returned an invalid response.',
        path: ['products', 1, 'rating'],
        extensions: { code: 'SUBGRAPH_ERROR', subgraph: 'reviews', serviceName: 'reviews' },
      },
    ]);
  });

  it('an answer past maxResponseBytes is aborted, not buffered: SUBGRAPH_ERROR', async () => {
    answer = (_body, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      let sent = 0;
      const pump = () => {
        while (sent < 50 * 1024 * 1024 && res.write(chunk)) sent += chunk.length;
        if (sent < 50 * 1024 * 1024 && !res.destroyed) res.once('drain', pump);
        else res.end();
      };
      res.on('error', () => undefined);
      pump();
    };
    const { body } = await postGraphQL(gateway.url, QUERY);
    expect(body.data).toEqual({ products: catalogData(null) });
    expect(body.errors?.[0]).toMatchObject({
      message: 'Subgraph "reviews" answered more than 4194304 bytes.',
      extensions: { code: 'SUBGRAPH_ERROR' },
    });
  });

  it('100,000 errors are relayed as at most maxErrors, plus one that sums up the rest', async () => {
    answer = (_body, res) =>
      json(res, { data: { _entities: [null, null] }, errors: Array.from({ length: 100_000 }, (_, i) => ({ message: `e${i}` })) });
    const { body } = await postGraphQL(gateway.url, QUERY);
    expect(body.data).toEqual({ products: catalogData(null) });
    expect(body.errors).toHaveLength(101);
    expect(body.errors?.at(-1)).toMatchObject({ message: 'Subgraph "reviews" returned 99900 more errors.', extensions: { code: 'SUBGRAPH_ERROR' } });
  });

  it('custom extension keys are not passed on unless allowlisted; stack traces never', async () => {
    answer = (_body, res) =>
      json(res, {
        data: { _entities: [null, { rating: 2 }] },
        errors: [{ message: 'x', path: ['_entities', 0, 'rating'], extensions: { code: 'C', internalHost: 'db-7', stacktrace: ['at x'] } }],
      });
    const { body } = await postGraphQL(gateway.url, QUERY);
    expect(body.errors?.[0]?.extensions).toEqual({ code: 'C', subgraph: 'reviews', serviceName: 'reviews' });
  });

  it('under NODE_ENV=production a subgraph message (here with a database URL and password) is masked', async () => {
    answer = (_body, res) =>
      json(res, {
        data: { _entities: [null, { rating: 2 }] },
        errors: [{ message: 'connect failed: postgres://app:s3cret@db:5432/shop', path: ['_entities', 0, 'rating'] }],
      });
    const { body } = await postGraphQL(production.url, QUERY);
    expect(JSON.stringify(body)).not.toContain('s3cret');
    expect(body.errors?.[0]).toMatchObject({
      message: 'Subgraph "reviews" returned an error.',
      path: ['products', 0, 'rating'],
      extensions: { code: 'SUBGRAPH_ERROR' },
    });
  });
});
