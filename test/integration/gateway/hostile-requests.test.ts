import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { doublingFragments } from '../../helpers/fragment-reads.js';
import { startGateway, type StartedGateway } from '../../helpers/gateway.js';
import { createCloseStack, postGraphQL, startSubgraphs, type RunningSubgraphs } from '../../helpers/subgraphs.js';

const closeStack = createCloseStack();
let subgraphs: RunningSubgraphs;
let gateway: StartedGateway;
let closed: StartedGateway;

beforeAll(async () => {
  subgraphs = await startSubgraphs();
  closeStack.push(subgraphs.close);
  gateway = await startGateway({ subgraphUrls: subgraphs.urls, config: { rateLimit: { enabled: false } } });
  closeStack.push(gateway.close);
  // Introspection off, as under NODE_ENV=production.
  closed = await startGateway({ subgraphUrls: subgraphs.urls, config: { server: { introspection: false }, rateLimit: { enabled: false } } });
  closeStack.push(closed.close);
});
afterAll(() => closeStack.drain());

const totalSubgraphRequests = () => Object.values(subgraphs.byName).reduce((sum, s) => sum + s.stats.requests, 0);

async function post(url: string, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as { errors?: Array<{ message: string; extensions?: Record<string, unknown> }>; data?: unknown },
  };
}

describe('client mistakes are 400 with a code, never 500', () => {
  it.each([
    [
      'an unknown operationName',
      { query: 'query A { __typename }', operationName: 'B' },
      400,
      'OPERATION_RESOLUTION_FAILURE',
      'Unknown operation named "B".',
    ],
    [
      'several operations and no operationName',
      { query: 'query A { __typename } query B { __typename }' },
      400,
      'OPERATION_RESOLUTION_FAILURE',
      'Must provide operation name if query contains multiple operations.',
    ],
    // A validation error: 200 to an application/json client, as GraphQL-over-HTTP says.
    ['a subscription on a schema without one', { query: 'subscription { x }' }, 200, 'GRAPHQL_VALIDATION_FAILED', undefined],
    [
      'a batch',
      [{ query: '{ __typename }' }, { query: '{ __typename }' }],
      400,
      'BAD_REQUEST',
      'Batched requests are not supported; send one operation per request.',
    ],
    ['a JSON body that is not an object', 42, 400, 'BAD_REQUEST', 'Request body must be a JSON object.'],
  ])('%s', async (_case, body, status, code, message) => {
    const before = totalSubgraphRequests();
    const answer = await post(gateway.url, JSON.stringify(body));
    expect(answer.status).toBe(status);
    expect(answer.body.errors?.[0]?.extensions?.code).toBe(code);
    if (message) expect(answer.body.errors?.[0]?.message).toBe(message);
    expect(totalSubgraphRequests()).toBe(before);
  });

  it('refuses a variable that is not a finite number (1e309) as bad input, before cost sees Infinity', async () => {
    const answer = await post(gateway.url, '{"query":"query ($n: Int) { topProducts(first: $n) { upc } }","variables":{"n":1e309}}');
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.[0]).toMatchObject({ message: 'Variables contain a number that is not finite.', extensions: { code: 'BAD_REQUEST' } });
  });

  it('cuts a long operation name in the log line', async () => {
    const name = `Op${'x'.repeat(100_000)}`;
    await postGraphQL(gateway.url, `query ${name} { __typename }`);
    const line = gateway.logs.find(
      (l) => l.msg === 'request completed' && typeof l.operationName === 'string' && l.operationName.startsWith('Opxxx'),
    );
    expect(line?.operationName).toHaveLength(128);
  });
});

describe('hostile documents are refused before validation and planning', () => {
  it.each([
    [
      'fragments each spreading the previous one twice (~1 KB, 2^30 fields expanded)',
      doublingFragments(30, { type: 'Product', leaf: 'upc', root: '{ topProducts(first: 1) { $SPREAD } }' }),
      'fields',
    ],
    ['10,000 aliases', `{ ${Array.from({ length: 10_000 }, (_, i) => `a${i}: __typename`).join(' ')} }`, 'tokens'],
    ['300 aliases over a list field', `{ ${Array.from({ length: 300 }, (_, i) => `a${i}: topProducts { upc }`).join(' ')} }`, 'aliases'],
  ])('%s', async (_case, query, limit) => {
    const before = totalSubgraphRequests();
    const answer = await post(gateway.url, JSON.stringify({ query }));
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.[0]?.extensions).toMatchObject({ code: 'OPERATION_LIMIT_EXCEEDED', limit });
    expect(totalSubgraphRequests()).toBe(before);
    // And the gateway is still answering.
    expect((await fetch(new URL('/health', gateway.url))).status).toBe(200);
  });
});

describe('the schema does not leak when introspection is off', () => {
  it('refuses introspection: the HTTP layer validates as Apollo does', async () => {
    for (let i = 0; i < 2; i++) {
      const { body } = await postGraphQL(closed.url, '{ __schema { types { name } } }');
      expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(body.data).toBeUndefined();
    }
    expect((await postGraphQL(gateway.url, '{ __schema { queryType { name } } }')).body.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });

  it.each([
    ['a field', '{ topProducts { nam } }'],
    ['an argument', '{ topProducts(frist: 1) { upc } }'],
    ['a type', '{ topProducts { ... on Prodcut { upc } } }'],
    ['an input field', 'mutation { registerUser(input: { usernme: "a", email: "a@b.c", name: "A" }) { id } }'],
  ])('no "Did you mean" for %s', async (_case, query) => {
    const open = await postGraphQL(gateway.url, query);
    expect(JSON.stringify(open.body.errors)).toMatch(/Did you mean/);
    const hidden = await postGraphQL(closed.url, query);
    expect(hidden.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(JSON.stringify(hidden.body.errors)).not.toMatch(/Did you mean/);
  });
});

describe('edges of HTTP', () => {
  it('a client sending a body of several MB receives the 413, not a reset', async () => {
    const answer = await post(gateway.url, JSON.stringify({ query: `{ __typename }`, padding: 'x'.repeat(5 * 1024 * 1024) }));
    expect(answer.status).toBe(413);
    expect(answer.body.errors?.[0]?.extensions?.code).toBe('REQUEST_TOO_LARGE');
  });

  it('the 413 reaches a client while it is still uploading (answered from the declared length, the rest read and dropped)', async () => {
    const { port } = new URL(gateway.url);
    const declared = 8 * 1024 * 1024;
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      path: '/graphql',
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(declared) },
    });
    const answered = new Promise<{ status: number; body: string }>((resolve, reject) => {
      req.on('response', (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
    });
    // Only the first 64 KB are sent before the answer is awaited: the gateway must not wait for the rest.
    req.write(Buffer.alloc(64 * 1024, 'x'));
    const answer = await answered;
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).errors[0].extensions.code).toBe('REQUEST_TOO_LARGE');
    req.end(Buffer.alloc(declared - 64 * 1024, 'x'));
  });

  it('headers beyond server.maxHeaderBytes get a JSON 431', async () => {
    const { port } = new URL(gateway.url);
    const answer = await new Promise<{ status: number; body: string; type?: string }>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/graphql', method: 'GET', headers: { 'x-big': 'y'.repeat(20_000) } }, (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, type: res.headers['content-type'] }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(answer.status).toBe(431);
    expect(answer.type).toMatch(/^application\/json/);
    expect(JSON.parse(answer.body).errors[0].extensions.code).toBe('REQUEST_TOO_LARGE');
  });

  it.each(['TRACE', 'DELETE', 'POST'])('/health refuses %s with 405', async (method) => {
    const { port } = new URL(gateway.url);
    const answer = await new Promise<{ status: number; allow?: string }>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/health', method }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, allow: res.headers.allow }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(answer).toEqual({ status: 405, allow: 'GET, HEAD' });
  });

  it('never returns a query plan to a client asking with Apollo-Query-Plan-Experimental', async () => {
    const { body } = await postGraphQL(gateway.url, '{ topProducts(first: 1) { upc inStock } }', {
      headers: { 'apollo-query-plan-experimental': 'true' },
    });
    expect(body.errors).toBeUndefined();
    expect(JSON.stringify(body)).not.toMatch(/queryPlan/);
  });
});

describe('every request counts against the rate limit, broken ones too', () => {
  it.each([
    ['invalid JSON', '{"query":'],
    ['a batch', '[{"query":"{ __typename }"}]'],
    ['a parse error', '{"query":"{ topProducts"}'],
  ])('%s', async (_case, body) => {
    const limited = await startGateway({
      subgraphUrls: subgraphs.urls,
      config: { rateLimit: { tiers: { anonymous: { points: 3, durationSeconds: 60, burst: 0 } } } },
    });
    closeStack.push(limited.close);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await post(limited.url, body)).status);
    expect(statuses.slice(0, 3).every((s) => s === 400 || s === 200)).toBe(true);
    expect(statuses[3]).toBe(429);
  });
});
