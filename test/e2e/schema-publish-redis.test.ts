import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SCHEMAS_KEY } from '../../gateway/supergraph/redis-registry.js';
import { startGateway, waitFor, type StartedGateway } from '../helpers/gateway.js';
import { startRedis, type RunningRedis } from '../helpers/redis.js';
import { createSchemaWorkspace, runSchemaCli, type SchemaWorkspace } from '../helpers/schema-workspace.js';
import { createCloseStack, postGraphQL, startSubgraphs } from '../helpers/subgraphs.js';

const closeStack = createCloseStack();
let redis: RunningRedis;
let workspace: SchemaWorkspace;
let replicas: StartedGateway[];

const startReplica = async () => {
  const replica = await startGateway({
    config: { supergraph: { source: 'compose', configPath: workspace.configPath, pollIntervalSeconds: 0 }, redis: { url: redis.url } },
  });
  closeStack.push(replica.close);
  return replica;
};
const validates = async (url: string, query: string) => {
  const { body } = await postGraphQL(url, query);
  return !body.errors?.some((e) => e.extensions?.code === 'GRAPHQL_VALIDATION_FAILED');
};
const readHash = async () => {
  const client = new Redis(redis.url);
  try {
    return await client.hgetall(DEFAULT_SCHEMAS_KEY);
  } finally {
    client.disconnect();
  }
};

beforeAll(async () => {
  redis = await startRedis();
  closeStack.push(redis.stop);
  const subgraphs = await startSubgraphs();
  closeStack.push(subgraphs.close);
  workspace = createSchemaWorkspace(subgraphs.urls);
  replicas = [await startReplica(), await startReplica()];
});
afterAll(() => closeStack.drain());

describe('npm run schema:publish with Redis', () => {
  const query = '{ users(first: 1) { pronouns } }';

  it('stores a versioned SDL, notifies both replicas, and a replica started later serves it too', async () => {
    for (const replica of replicas) expect(await validates(replica.url, query)).toBe(false);
    const sdl = readFileSync(workspace.schemaPath('accounts'), 'utf8').replace('  name: String!\n}', '  name: String!\n  pronouns: String\n}');
    const candidate = workspace.writeCandidate('accounts', sdl);
    const result = await runSchemaCli('publish', ['accounts', candidate, '--supergraph-config', workspace.configPath], { REDIS_URL: redis.url });
    expect(result.stdout).toMatch(/Published "accounts" to redis 127\.0\.0\.1:\d+ switchyard:schemas as version 1; 2 gateway replica\(s\) notified/);
    expect(result.code).toBe(0);
    for (const replica of replicas) await waitFor(() => validates(replica.url, query), 5_000, 'pronouns on every replica');
    // The file is not the source of truth in this mode: it stays as it was.
    expect(readFileSync(workspace.schemaPath('accounts'), 'utf8')).not.toContain('pronouns');
    const stored = JSON.parse((await readHash()).accounts);
    expect(stored).toMatchObject({ sdl, version: 1, publishedAt: expect.any(String) });

    const late = await startReplica();
    expect(await validates(late.url, query)).toBe(true);
  });

  it('refuses a composition-breaking publish: Redis unchanged, replicas keep serving', async () => {
    const before = await readHash();
    const products = readFileSync(workspace.schemaPath('products'), 'utf8');
    const candidate = workspace.writeCandidate('products', products.replace(/\bweight: Int!/, 'weightInGrams: Int!'));
    const result = await runSchemaCli('publish', ['products', candidate, '--supergraph-config', workspace.configPath, '--redis-url', redis.url]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/Composition failed[\s\S]*inventory/);
    expect(await readHash()).toEqual(before);
    for (const replica of replicas) {
      const { body } = await postGraphQL(replica.url, '{ topProducts(first: 1) { weight shippingEstimate } }');
      expect(body.errors).toBeUndefined();
      expect(await validates(replica.url, query)).toBe(true);
    }
  });

  it('checks against what Redis holds, not only the files: dropping the published field is breaking', async () => {
    const result = await runSchemaCli('check', [
      'accounts',
      workspace.schemaPath('accounts'),
      '--supergraph-config',
      workspace.configPath,
      '--redis-url',
      redis.url,
    ]);
    expect(result.stdout).toMatch(/FIELD_REMOVED\s+User\.pronouns was removed\./);
    expect(result.code).toBe(1);
  });
});
