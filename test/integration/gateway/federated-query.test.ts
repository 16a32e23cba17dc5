import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayExtension } from '../../../gateway/extension.js';
import { startGateway, type StartedGateway } from '../../helpers/gateway.js';
import { createCloseStack, postGraphQL, startSubgraphs } from '../../helpers/subgraphs.js';

const closeStack = createCloseStack();
let gateway: StartedGateway;

beforeAll(async () => {
  const subgraphs = await startSubgraphs();
  closeStack.push(subgraphs.close);
  // Stands in for the auth plugin's verified identity: the gateway, not the client, sets x-user-id.
  const signedInAsUser7: GatewayExtension = {
    name: 'test-identity',
    buildContext(context) {
      if (context.incoming.headers['x-test-sign-in'] === '7') context.subgraphHeaders['x-user-id'] = '7';
    },
  };
  gateway = await startGateway({ subgraphUrls: subgraphs.urls, extensions: [signedInAsUser7] });
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
    const replaced = await postGraphQL(gateway.url, '{ users(first: 1) { id } }', { headers: { 'x-request-id': 'bad id\nwith newline'.replace('\n', ' ') } });
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
    const { body } = await postGraphQL(gateway.url, '{ me { id } }', { headers: { 'x-user-id': '7' } });
    expect(body.data).toEqual({ me: null });
  });

  it('runs a mutation and stitches nested fields from other subgraphs', async () => {
    const { body } = await postGraphQL(
      gateway.url,
      'mutation { addReview(input: { productUpc: "3", body: "Sturdy.", rating: 4 }) { rating product { upc name inStock } author { username } } }',
      { headers: { 'x-test-sign-in': '7' } },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data!.addReview).toMatchObject({ rating: 4, product: { upc: '3' }, author: { username: 'user7' } });
    expect(typeof body.data!.addReview.product.name).toBe('string');
    expect(typeof body.data!.addReview.product.inStock).toBe('boolean');
  });
});
