import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type StartedGateway } from '../../helpers/gateway.js';
import { createCloseStack, postGraphQL, startSubgraphs, type RunningSubgraphs } from '../../helpers/subgraphs.js';
import { mintToken, secretBytes } from '../../helpers/tokens.js';

const SECRET = 'auth-authorization-test-secret-0123456789';
const closeStack = createCloseStack();
let subgraphs: RunningSubgraphs;
let gateway: StartedGateway;

const as = async (sub: string, scope?: string) => ({
  headers: { authorization: `Bearer ${await mintToken(secretBytes(SECRET), { sub, scope })}` },
});
const EMAILS = '{ topProducts(first: 3) { name reviews { author { email } } } }';
const CREATE = 'mutation { createProduct(input: { name: "Lamp", price: 1200, weight: 800 }) { upc name } }';

function bodiesSentTo(name: keyof RunningSubgraphs['byName']): string[] {
  return subgraphs.byName[name].stats.requestLog.map((entry) => JSON.stringify(entry.body));
}

beforeAll(async () => {
  subgraphs = await startSubgraphs();
  closeStack.push(subgraphs.close);
  gateway = await startGateway({ subgraphUrls: subgraphs.urls, env: { SWITCHYARD_JWT_SECRET: SECRET } });
  closeStack.push(gateway.close);
});
afterAll(() => closeStack.drain());

describe('field-level authorization from the schema directives', () => {
  it('gives anonymous callers null at each @authenticated field, with one error per path, and never asks a subgraph for it', async () => {
    for (const subgraph of Object.values(subgraphs.byName)) subgraph.resetStats();
    const { status, body } = await postGraphQL(gateway.url, EMAILS);
    expect(status).toBe(200);
    const products = body.data!.topProducts as Array<{ name: string; reviews: Array<{ author: Record<string, unknown> }> }>;
    expect(products).toHaveLength(3);
    const paths: unknown[] = [];
    products.forEach((product, p) => {
      expect(typeof product.name).toBe('string');
      product.reviews.forEach((review, r) => {
        expect(review.author).toEqual({ email: null });
        paths.push(['topProducts', p, 'reviews', r, 'author', 'email']);
      });
    });
    expect(paths.length).toBeGreaterThan(3);
    expect(body.errors).toHaveLength(paths.length);
    expect(body.errors!.map((e) => (e as { path?: unknown }).path)).toEqual(paths);
    for (const error of body.errors!)
      expect(error).toMatchObject({ message: 'Unauthorized field or type.', extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' } });
    for (const name of ['accounts', 'reviews', 'products'] as const) {
      for (const sent of bodiesSentTo(name)) expect(sent).not.toContain('email');
    }
  });

  it('returns the e-mails to a signed-in caller for the same query text (plans are not shared across rights)', async () => {
    const { body } = await postGraphQL(gateway.url, EMAILS, await as('7'));
    expect(body.errors).toBeUndefined();
    const emails = (body.data!.topProducts as Array<{ reviews: Array<{ author: { email: string } }> }>).flatMap((p) =>
      p.reviews.map((r) => r.author.email),
    );
    expect(emails.every((email) => /@/.test(email))).toBe(true);
    expect(bodiesSentTo('accounts').some((sent) => sent.includes('email'))).toBe(true);
    const again = await postGraphQL(gateway.url, EMAILS);
    expect(again.body.errors?.[0]?.extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
  });

  it('filters through named fragments and aliases, keeping the sibling fields', async () => {
    const query = 'query Q { topProducts(first: 1) { ...P } } fragment P on Product { upc reviews(first: 1) { author { mail: email username } } }';
    const { body } = await postGraphQL(gateway.url, query);
    expect(body.data!.topProducts[0].reviews[0].author).toEqual({ username: expect.stringMatching(/^user/), mail: null });
    expect(body.errors).toEqual([
      {
        message: 'Unauthorized field or type.',
        path: ['topProducts', 0, 'reviews', 0, 'author', 'mail'],
        extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' },
      },
    ]);
  });

  it('runs the rest of an operation and answers a fully removed one with the errors alone', async () => {
    const partial = await postGraphQL(gateway.url, '{ me { id } users(first: 1) { id } }');
    expect(partial.body.data).toEqual({ me: null, users: [{ id: expect.any(String) }] });
    expect(partial.body.errors).toHaveLength(1);

    const onlyMe = await postGraphQL(gateway.url, '{ me { id username } }');
    expect(onlyMe.status).toBe(200);
    expect(onlyMe.body).toEqual({
      errors: [{ message: 'Unauthorized field or type.', path: ['me'], extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' } }],
    });
  });

  it('refuses createProduct without the products:write scope and runs it with the scope', async () => {
    subgraphs.byName.products.resetStats();
    const refused = await postGraphQL(gateway.url, CREATE, await as('alice', 'reviews:write'));
    expect(refused.body.data).toBeUndefined();
    expect(refused.body.errors).toEqual([
      { message: 'Unauthorized field or type.', path: ['createProduct'], extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' } },
    ]);
    expect(bodiesSentTo('products').some((b) => b.includes('createProduct'))).toBe(false);

    const allowed = await postGraphQL(gateway.url, CREATE, await as('alice', 'products:write'));
    expect(allowed.body.errors).toBeUndefined();
    expect(allowed.body.data!.createProduct).toMatchObject({ name: 'Lamp' });
  });

  it('refuses addReview to anonymous callers and runs it as the verified user', async () => {
    const mutation = 'mutation { addReview(input: { productUpc: "2", body: "Fine.", rating: 5 }) { author { id } } }';
    const anonymous = await postGraphQL(gateway.url, mutation);
    expect(anonymous.body.errors?.[0]).toMatchObject({ path: ['addReview'], extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' } });
    const signedIn = await postGraphQL(gateway.url, mutation, await as('12'));
    expect(signedIn.body.data).toEqual({ addReview: { author: { id: '12' } } });
  });
});

describe('identity sent to subgraphs', () => {
  it('forwards the verified identity and never what the client put in identity headers', async () => {
    for (const subgraph of Object.values(subgraphs.byName)) subgraph.resetStats();
    const spoofed = { 'x-user-id': '1', 'x-user-scopes': 'admin', 'x-client-id': 'root' };
    const auth = await as('42', 'products:write reviews:read');
    await postGraphQL(gateway.url, '{ me { id reviews(first: 1) { body } } topProducts(first: 1) { inStock } }', {
      headers: { ...spoofed, ...auth.headers },
    });
    await postGraphQL(gateway.url, '{ topProducts(first: 1) { name } }', { headers: spoofed });
    const sent = Object.values(subgraphs.byName).flatMap((s) => s.stats.requestLog.map((entry) => entry.headers));
    expect(sent.length).toBeGreaterThan(2);
    const signedIn = sent.filter((h) => h['x-user-id'] !== undefined);
    expect(signedIn.length).toBeGreaterThan(0);
    for (const headers of sent) {
      expect([undefined, '42']).toContain(headers['x-user-id']);
      expect([undefined, 'products:write reviews:read']).toContain(headers['x-user-scopes']);
      expect(headers['x-client-id']).toBeUndefined();
      expect(headers.authorization).toBeUndefined();
    }
  });
});
