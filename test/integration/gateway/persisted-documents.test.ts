import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NODE_TS_ARGS, REPO_ROOT, startGateway, waitFor, type StartedGateway } from '../../helpers/gateway.js';
import { startRedis, type RunningRedis } from '../../helpers/redis.js';
import { createCloseStack, startSubgraphs, type RunningSubgraphs } from '../../helpers/subgraphs.js';
import { mintToken, secretBytes } from '../../helpers/tokens.js';

const SECRET = 'persisted-documents-test-secret-0123456789';
const closeStack = createCloseStack();
let subgraphs: RunningSubgraphs;
const folder = mkdtempSync(join(tmpdir(), 'switchyard-pq-'));

const TOP = 'query Top { topProducts(first: 2) { upc name } }';
const USERS = 'query Users { users(first: 1) { id } }';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function writeManifest(name: string, operations: Array<{ id: string; body: string }>): string {
  const path = join(folder, name);
  writeFileSync(
    `${path}.tmp`,
    JSON.stringify({
      format: 'apollo-persisted-query-manifest',
      version: 1,
      operations: operations.map((o) => ({ ...o, name: 'x', type: 'query' })),
    }),
  );
  renameSync(`${path}.tmp`, path);
  return path;
}

async function send(url: string, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return {
    status: response.status,
    body: (await response.json()) as { data?: any; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> },
  };
}

beforeAll(async () => {
  subgraphs = await startSubgraphs();
  closeStack.push(subgraphs.close);
});
afterAll(() => closeStack.drain());

describe('automatic persisted queries (default: on, in memory)', () => {
  let gateway: StartedGateway;
  beforeAll(async () => {
    gateway = await startGateway({ subgraphUrls: subgraphs.urls });
    closeStack.push(gateway.close);
  });

  it('misses, registers, then serves by hash alone', async () => {
    const apq = { persistedQuery: { version: 1, sha256Hash: sha256(TOP) } };
    const miss = await send(gateway.url, { extensions: apq });
    expect(miss.status).toBe(200);
    expect(miss.body.errors?.[0]).toMatchObject({ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } });
    expect((await send(gateway.url, { query: TOP, extensions: apq })).body.data.topProducts).toHaveLength(2);
    expect((await send(gateway.url, { extensions: apq })).body.data.topProducts).toHaveLength(2);
  });

  it('refuses a hash that does not match the document', async () => {
    const answer = await send(gateway.url, { query: TOP, extensions: { persistedQuery: { version: 1, sha256Hash: sha256('other') } } });
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
  });
});

describe('trusted documents: allow-listed-only', () => {
  let gateway: StartedGateway;
  let manifest: string;
  beforeAll(async () => {
    manifest = writeManifest('allow.json', [{ id: 'top-v1', body: TOP }]);
    gateway = await startGateway({ subgraphUrls: subgraphs.urls, config: { persistedDocuments: { mode: 'allow-listed-only', manifest } } });
    closeStack.push(gateway.close);
  });

  it('serves a listed document by documentId, by APQ-style hash, by GET, and by its full text however formatted', async () => {
    expect((await send(gateway.url, { documentId: 'top-v1' })).body.data.topProducts).toHaveLength(2);
    expect((await send(gateway.url, { extensions: { persistedQuery: { version: 1, sha256Hash: 'top-v1' } } })).body.data.topProducts).toHaveLength(2);
    const get = await fetch(`${gateway.url}?documentId=top-v1`, { headers: { accept: 'application/json', 'apollo-require-preflight': 'true' } });
    expect(((await get.json()) as any).data.topProducts).toHaveLength(2);
    const reformatted = 'query Top {\n  topProducts(first: 2) {\n    upc, name # the name\n  }\n}';
    expect((await send(gateway.url, { query: reformatted })).body.data.topProducts).toHaveLength(2);
  });

  it('refuses any other document, and an unknown id, before parsing it', async () => {
    const arbitrary = await send(gateway.url, { query: USERS });
    expect(arbitrary.status).toBe(400);
    expect(arbitrary.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    const broken = await send(gateway.url, { query: '{ not even graphql' });
    expect(broken.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    const unknown = await send(gateway.url, { documentId: 'nope' });
    expect(unknown.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it('hot-reloads the manifest file', async () => {
    writeManifest('allow.json', [
      { id: 'top-v1', body: TOP },
      { id: 'users-v1', body: USERS },
    ]);
    await waitFor(async () => (await send(gateway.url, { documentId: 'users-v1' })).body.data?.users?.length === 1, 5_000, 'the new document');
  });
});

describe('trusted documents: listed-or-scoped, Relay manifest', () => {
  it('lets only callers with the arbitrary-documents scope send other documents', async () => {
    const path = join(folder, 'relay.json');
    writeFileSync(path, JSON.stringify({ 'relay-top': TOP }));
    const gateway = await startGateway({
      subgraphUrls: subgraphs.urls,
      env: { SWITCHYARD_JWT_SECRET: SECRET },
      config: { persistedDocuments: { mode: 'listed-or-scoped', manifest: path } },
    });
    closeStack.push(gateway.close);
    expect((await send(gateway.url, { documentId: 'relay-top' })).body.data.topProducts).toHaveLength(2);
    expect((await send(gateway.url, { query: USERS })).body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    const token = await mintToken(secretBytes(SECRET), { sub: '1', scope: 'documents:arbitrary' });
    expect((await send(gateway.url, { query: USERS }, { authorization: `Bearer ${token}` })).body.data.users).toHaveLength(1);
    const other = await mintToken(secretBytes(SECRET), { sub: '2', scope: 'something:else' });
    expect((await send(gateway.url, { query: USERS }, { authorization: `Bearer ${other}` })).status).toBe(400);
  });
});

describe('start-up problems name the key or the file', () => {
  it('a mode without a manifest is a config error', async () => {
    await expect(startGateway({ subgraphUrls: subgraphs.urls, config: { persistedDocuments: { mode: 'allow-listed-only' } } })).rejects.toThrow(
      /CONFIG_INVALID|persistedDocuments\.manifest: required when persistedDocuments\.mode is allow-listed-only/,
    );
  });

  it('a manifest that is not one fails the start, naming it', async () => {
    const path = join(folder, 'broken.json');
    writeFileSync(path, '[1, 2]');
    await expect(
      startGateway({ subgraphUrls: subgraphs.urls, config: { persistedDocuments: { mode: 'allow-listed-only', manifest: path } } }),
    ).rejects.toThrow(/broken\.json.*expected an Apollo persisted query manifest/);
  });
});

describe('shared through Redis by every replica', () => {
  let redis: RunningRedis;
  let a: StartedGateway;
  let b: StartedGateway;
  beforeAll(async () => {
    redis = await startRedis();
    closeStack.push(redis.stop);
    const config = {
      redis: { url: redis.url },
      persistedDocuments: { mode: 'listed-or-scoped' as const, source: 'redis' as const },
      apq: { store: 'redis' as const },
    };
    const publish = (manifest: string) =>
      spawnSync(process.execPath, [...NODE_TS_ARGS, 'gateway/cli/documents-publish.ts', manifest, '--redis-url', redis.url], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
      });
    const first = publish(writeManifest('redis-1.json', [{ id: 'top-v1', body: TOP }]));
    expect(first.stdout).toContain('Published 1 trusted document(s)');
    a = await startGateway({ subgraphUrls: subgraphs.urls, config, env: { SWITCHYARD_JWT_SECRET: SECRET } });
    closeStack.push(a.close);
    b = await startGateway({ subgraphUrls: subgraphs.urls, config, env: { SWITCHYARD_JWT_SECRET: SECRET } });
    closeStack.push(b.close);
    const second = publish(
      writeManifest('redis-2.json', [
        { id: 'top-v1', body: TOP },
        { id: 'users-v1', body: USERS },
      ]),
    );
    expect(second.status).toBe(0);
  }, 30_000);

  it('both replicas follow a publish', async () => {
    for (const gateway of [a, b]) {
      await waitFor(
        async () => (await send(gateway.url, { documentId: 'users-v1' })).body.data?.users?.length === 1,
        5_000,
        'the published document',
      );
    }
  });

  it('an APQ registered on one replica is served by the other', async () => {
    const token = await mintToken(secretBytes(SECRET), { sub: '1', scope: 'documents:arbitrary' });
    const query = 'query Other { topProducts(first: 1) { upc } }';
    const apq = { persistedQuery: { version: 1, sha256Hash: sha256(query) } };
    const registered = await send(a.url, { query, extensions: apq }, { authorization: `Bearer ${token}` });
    expect(registered.body.errors).toBeUndefined();
    const served = await send(b.url, { extensions: apq }, { authorization: `Bearer ${token}` });
    expect(served.body.data.topProducts).toHaveLength(1);
  });
});
