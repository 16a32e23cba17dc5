import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { startGateway, type StartedGateway } from '../../helpers/gateway.js';
import { createCloseStack, postGraphQL, startSubgraphs } from '../../helpers/subgraphs.js';

const closeStack = createCloseStack();
let gateway: StartedGateway;
const JWT_SECRET = 'federated-query-test-secret-32-bytes-long!';
let user7Token: string;

beforeAll(async () => {
  const subgraphs = await startSubgraphs();
  closeStack.push(subgraphs.close);
  // A real token for user 7: the auth plugin verifies it and forwards x-user-id to the subgraphs.
  user7Token = await new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('7')
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(JWT_SECRET));
  gateway = await startGateway({ subgraphUrls: subgraphs.urls, env: { SWITCHYARD_JWT_SECRET: JWT_SECRET } });
  closeStack.push(gateway.close);
});
afterAll(() => closeStack.drain());

describe('a federated query through the gateway', () => {
  it('stitches data from all four subgraphs (the README example)', async () => {
    const { status, body } = await postGraphQL(
      gateway.url,
      '{ topProducts(first: 5) { upc name price inStock shippingEstimate reviews { rating author { username } } } }',
    );
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const products = body.data!.topProducts;
    expect(products).toHaveLength(5);
    for (const product of products) {
      expect(typeof product.name).toBe('string');
      expect(typeof product.inStock).toBe('boolean');
      expect(product.reviews.length).toBeGreaterThan(0);
      expect(product.reviews[0].author.username).toMatch(/^user\d+$/);
    }
  });

  it('answers GET requests for queries', async () => {
    const response = await fetch(`${gateway.url}?query=${encodeURIComponent('{ users(first: 2) { id username } }')}`, {
      // A non-simple header satisfies Apollo Server's CSRF prevention, which stays on.
      headers: { accept: 'application/graphql-response+json', 'apollo-require-preflight': 'true' },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: { users: unknown[] } };
    expect(body.data.users).toHaveLength(2);
  });

  it('returns a well-formed x-request-id, or generates one', async () => {
    const kept = await postGraphQL(gateway.url, '{ users(first: 1) { id } }', { headers: { 'x-request-id': 'abc-123' } });
    expect(kept.headers.get('x-request-id')).toBe('abc-123');
    const replaced = await postGraphQL(gateway.url, '{ users(first: 1) { id } }', {
      headers: { 'x-request-id': 'bad id\nwith newline'.replace('\n', ' ') },
    });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('logs one line per request with request id, operation name, duration and status', async () => {
    await postGraphQL(gateway.url, 'query LogMe { users(first: 1) { id } }', { headers: { 'x-request-id': 'log-me-1' } });
    const line = gateway.logs.find((l) => l.requestId === 'log-me-1' && l.msg === 'request completed');
    expect(line).toMatchObject({ operationName: 'LogMe', status: 200 });
    expect(typeof line!.durationMs).toBe('number');
  });

  it('answers /health with 200 once the supergraph is loaded', async () => {
    const response = await fetch(new URL('/health', gateway.url));
    expect(response.status).toBe(200);
  });

  it('never forwards identity headers sent by the client', async () => {
    const { body } = await postGraphQL(gateway.url, '{ me { id } users(first: 1) { id } }', { headers: { 'x-user-id': '7' } });
    expect(body.data?.me).toBeNull();
    const signedIn = await postGraphQL(gateway.url, '{ me { id } }', { headers: { authorization: `Bearer ${user7Token}`, 'x-user-id': '3' } });
    expect(signedIn.body.data).toEqual({ me: { id: '7' } });
  });

  it('runs a mutation and stitches nested fields from other subgraphs', async () => {
    const { body } = await postGraphQL(
      gateway.url,
      'mutation { addReview(input: { productUpc: "3", body: "Sturdy.", rating: 4 }) { rating product { upc name inStock } author { username } } }',
      { headers: { authorization: `Bearer ${user7Token}` } },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data!.addReview).toMatchObject({ rating: 4, product: { upc: '3' }, author: { username: 'user7' } });
    expect(typeof body.data!.addReview.product.name).toBe('string');
    expect(typeof body.data!.addReview.product.inStock).toBe('boolean');
  });
});
