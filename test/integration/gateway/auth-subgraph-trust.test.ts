import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signSubgraphRequest } from '../../../gateway/plugins/auth/index.js';
import { REQUEST_LOG_LIMIT, startAllSubgraphs, type RunningSubgraphs } from '../../../subgraphs/index.js';
import { REPO_ROOT, startGateway } from '../../helpers/gateway.js';
import { createCloseStack, postGraphQL } from '../../helpers/subgraphs.js';
import { mintToken, secretBytes } from '../../helpers/tokens.js';

const SIGNING_SECRET = 'subgraph-signing-test-secret-0123456789';
const JWT_SECRET = 'subgraph-trust-test-jwt-secret-0123456789';
const closeStack = createCloseStack();
let subgraphs: RunningSubgraphs;

beforeAll(async () => {
  subgraphs = await startAllSubgraphs({
    ports: { accounts: 0, products: 0, inventory: 0, reviews: 0 },
    signingSecret: SIGNING_SECRET,
    requestLogLimit: REQUEST_LOG_LIMIT,
  });
  closeStack.push(subgraphs.close);
});
afterAll(() => closeStack.drain());

describe('signed subgraph requests', () => {
  it('signs every fetch, so subgraphs that require signatures answer the gateway', async () => {
    const gateway = await startGateway({
      subgraphUrls: subgraphs.urls,
      env: { SWITCHYARD_JWT_SECRET: JWT_SECRET, SWITCHYARD_SUBGRAPH_SECRET: SIGNING_SECRET },
    });
    closeStack.push(gateway.close);
    const token = await mintToken(secretBytes(JWT_SECRET), { sub: '5' });
    const { body } = await postGraphQL(gateway.url, '{ me { username reviews(first: 1) { product { name inStock } } } }', {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(body.errors).toBeUndefined();
    expect(body.data!.me.username).toBe('user5');
    const sent = Object.values(subgraphs.byName).flatMap((s) => s.stats.requestLog.map((e) => e.headers));
    expect(sent.length).toBeGreaterThanOrEqual(4);
    for (const headers of sent) expect(headers['x-switchyard-signature']).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses a direct unsigned call, a forged identity on a signed body, and a stale signature with 401', async () => {
    const url = subgraphs.urls.accounts;
    const body = JSON.stringify({ query: '{ me { id } }' });
    const post = (headers: Record<string, string>) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

    const unsigned = await post({ 'x-user-id': '1' });
    expect(unsigned.status).toBe(401);

    const signedFor3 = signSubgraphRequest(body, { 'x-user-id': '3' }, SIGNING_SECRET);
    expect((await post({ 'x-user-id': '3', ...signedFor3 })).status).toBe(200);
    expect((await post({ 'x-user-id': '1', ...signedFor3 })).status).toBe(401);

    const stale = signSubgraphRequest(body, {}, SIGNING_SECRET, Date.now() - 6 * 60_000);
    expect((await post(stale)).status).toBe(401);
  });

  it('leaves the gateway unable to reach signing subgraphs when it has no secret (fails closed, coded error)', async () => {
    const gateway = await startGateway({ subgraphUrls: subgraphs.urls });
    closeStack.push(gateway.close);
    const { body } = await postGraphQL(gateway.url, '{ users(first: 1) { id } }');
    expect(body.data?.users ?? null).toBeNull();
    expect(body.errors?.[0]?.extensions?.subgraph).toBe('accounts');
  });
});

describe('supergraphs carrying SECURITY features', () => {
  it('refuse to start with auth off, naming the features and the fix', async () => {
    const schema = readFileSync(`${REPO_ROOT}/subgraphs/accounts/schema.graphql`, 'utf8');
    expect(schema).toContain('@authenticated');
    await expect(startGateway({ subgraphUrls: subgraphs.urls, config: { auth: { enabled: false } } })).rejects.toThrow(
      /features Switchyard cannot enforce[\s\S]*authenticated\/v0\.1 \(for: SECURITY\): the auth plugin enforces it: turn auth on \(auth\.enabled: true\)[\s\S]*requiresScopes\/v0\.1/,
    );
  });

  it('start with auth off when no subgraph uses authorization directives', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'switchyard-plain-'));
    const plain = readFileSync(`${REPO_ROOT}/subgraphs/accounts/schema.graphql`, 'utf8')
      .replaceAll(', "@authenticated"', '')
      .replaceAll(' @authenticated', '');
    writeFileSync(join(folder, 'accounts.graphql'), plain);
    writeFileSync(
      join(folder, 'supergraph.yaml'),
      `federation_version: =2.9.0\nsubgraphs:\n  accounts:\n    routing_url: ${subgraphs.urls.accounts}\n    schema:\n      file: ./accounts.graphql\n`,
    );
    const gateway = await startGateway({
      config: { auth: { enabled: false }, supergraph: { source: 'compose', configPath: join(folder, 'supergraph.yaml'), pollIntervalSeconds: 0 } },
    });
    closeStack.push(gateway.close);
    expect((await fetch(new URL('/health', gateway.url))).status).toBe(200);
  });
});
