import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, waitFor, type StartedGateway } from '../helpers/gateway.js';
import { createSchemaWorkspace, runSchemaCli, type SchemaWorkspace } from '../helpers/schema-workspace.js';
import { createCloseStack, postGraphQL, startSubgraphs, type RunningSubgraphs } from '../helpers/subgraphs.js';

const closeStack = createCloseStack();
let subgraphs: RunningSubgraphs;
let workspace: SchemaWorkspace;
let gateway: StartedGateway;

const accounts = () => readFileSync(workspace.schemaPath('accounts'), 'utf8');
const withField = (sdl: string, field: string) => sdl.replace('  name: String!\n}', `  name: String!\n  ${field}: String\n}`);
/** True once the gateway's schema has the field (the subgraph cannot resolve it, so only validation counts). */
const validates = async (url: string, query: string) => {
  const { body } = await postGraphQL(url, query);
  return !body.errors?.some((e) => e.extensions?.code === 'GRAPHQL_VALIDATION_FAILED');
};

beforeAll(async () => {
  subgraphs = await startSubgraphs();
  closeStack.push(subgraphs.close);
  workspace = createSchemaWorkspace(subgraphs.urls);
  gateway = await startGateway({ config: { supergraph: { source: 'compose', configPath: workspace.configPath, pollIntervalSeconds: 0 } } });
  closeStack.push(gateway.close);
});
afterAll(() => closeStack.drain());

describe('npm run schema:check', () => {
  it('reports a removed field as breaking and exits 1', async () => {
    const candidate = workspace.writeCandidate('accounts', accounts().replace(/^ {2}email: String! @authenticated\n/m, ''));
    const result = await runSchemaCli('check', ['accounts', candidate, '--supergraph-config', workspace.configPath]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/✖ \d+ breaking change\(s\)/);
    expect(result.stdout).toMatch(/FIELD_REMOVED\s+User\.email was removed\./);
  });

  it('passes a new optional field (exit 0)', async () => {
    const added = await runSchemaCli('check', [
      'accounts',
      workspace.writeCandidate('accounts', withField(accounts(), 'nickname')),
      '--supergraph-config',
      workspace.configPath,
    ]);
    expect(added.stdout).toContain('✔ No breaking changes.');
    expect(added.code).toBe(0);
  });
});

describe('npm run schema:publish (embedded: the schema file)', () => {
  it('publishes a valid schema and the running gateway serves the new field without restart', async () => {
    expect(await validates(gateway.url, '{ users(first: 1) { avatarUrl } }')).toBe(false);
    const candidate = workspace.writeCandidate('accounts', withField(accounts(), 'avatarUrl'));
    const result = await runSchemaCli('publish', ['accounts', candidate, '--supergraph-config', workspace.configPath]);
    expect(result.stdout).toContain(`Published "accounts" to ${workspace.schemaPath('accounts')}`);
    expect(result.code).toBe(0);
    expect(accounts()).toContain('avatarUrl: String');
    await waitFor(() => validates(gateway.url, '{ users(first: 1) { avatarUrl } }'), 5_000, 'avatarUrl to be served');
    const { body } = await postGraphQL(gateway.url, '{ __type(name: "User") { fields { name } } }');
    expect(body.data!.__type.fields.map((f: { name: string }) => f.name)).toContain('avatarUrl');
  });

  it('refuses a schema that breaks composition: the file is untouched and the gateway keeps serving', async () => {
    const products = readFileSync(workspace.schemaPath('products'), 'utf8');
    const logsBefore = gateway.logs.length;
    const candidate = workspace.writeCandidate('products', products.replace(/\bweight: Int!/, 'weightInGrams: Int!'));
    const result = await runSchemaCli('publish', ['products', candidate, '--supergraph-config', workspace.configPath]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/Composition failed[\s\S]*inventory/);
    expect(result.stdout).toContain('Not published');
    expect(readFileSync(workspace.schemaPath('products'), 'utf8')).toBe(products);
    const { body } = await postGraphQL(gateway.url, '{ topProducts(first: 2) { upc weight shippingEstimate } }');
    expect(body.errors).toBeUndefined();
    expect(body.data!.topProducts).toHaveLength(2);
    expect(gateway.logs.slice(logsBefore).filter((l) => /supergraph re(loaded|load failed)/.test(l.msg ?? ''))).toEqual([]);
  });
});
