import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, startGateway, waitFor, type StartedGateway } from '../../helpers/gateway.js';
import { createCloseStack, postGraphQL, startSubgraphs, type RunningSubgraphs } from '../../helpers/subgraphs.js';

const closeStack = createCloseStack();
let subgraphs: RunningSubgraphs;
let gateway: StartedGateway;
let folder: string;

/** Replaces a file the way editors and `schema:publish` do: write aside, then rename over it. */
function replaceFile(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])\n';
const schemaPath = (name: string) => join(folder, `${name}.graphql`);
const isValid = async (query: string) => {
  const { body } = await postGraphQL(gateway.url, query);
  return !body.errors?.some((e) => e.extensions?.code === 'GRAPHQL_VALIDATION_FAILED');
};

beforeAll(async () => {
  subgraphs = await startSubgraphs();
  closeStack.push(subgraphs.close);
  folder = mkdtempSync(join(tmpdir(), 'switchyard-reload-'));
  const lines = ['federation_version: =2.9.0', 'subgraphs:'];
  for (const [name, url] of Object.entries(subgraphs.urls)) {
    copyFileSync(join(REPO_ROOT, 'subgraphs', name, 'schema.graphql'), schemaPath(name));
    lines.push(`  ${name}:`, `    routing_url: ${url}`, '    schema:', `      file: ./${name}.graphql`);
  }
  writeFileSync(join(folder, 'supergraph.yaml'), lines.join('\n') + '\n');
  gateway = await startGateway({
    config: { supergraph: { source: 'compose', configPath: join(folder, 'supergraph.yaml'), pollIntervalSeconds: 0 } },
  });
  closeStack.push(gateway.close);
});
afterAll(() => closeStack.drain());

describe('hot reload of supergraph.yaml and schema files', () => {
  it('swaps the schema without restart when a schema file changes', async () => {
    expect(await isValid('{ users(first: 1) { name } }')).toBe(true);
    const original = readFileSync(schemaPath('accounts'), 'utf8');
    replaceFile(schemaPath('accounts'), original.replace(/^\s*name: String!?\n/m, '\n'));
    await waitFor(async () => !(await isValid('{ users(first: 1) { name } }')), 5_000, 'name to disappear');
    replaceFile(schemaPath('accounts'), original);
    await waitFor(() => isValid('{ users(first: 1) { name } }'), 5_000, 'name to come back');
  });

  it('keeps serving the last good supergraph when recomposition fails, and logs every error', async () => {
    const original = readFileSync(schemaPath('products'), 'utf8');
    const logsBefore = gateway.logs.length;
    // inventory @requires products' weight: renaming it breaks composition.
    replaceFile(schemaPath('products'), original.replace(/\bweight: Int!/, 'weightInGrams: Int!'));
    await waitFor(
      () => gateway.logs.slice(logsBefore).some((l) => l.msg?.startsWith('supergraph reload failed')),
      5_000,
      'the failed reload to be logged',
    );
    const failure = gateway.logs.slice(logsBefore).find((l) => l.msg?.startsWith('supergraph reload failed'))!;
    expect(failure.err.message).toMatch(/Composition failed/);
    expect(failure.err.message).toMatch(/inventory/);
    const { body } = await postGraphQL(gateway.url, '{ topProducts(first: 2) { upc weight shippingEstimate } }');
    expect(body.errors).toBeUndefined();
    expect(body.data!.topProducts).toHaveLength(2);
    replaceFile(schemaPath('products'), original);
  });

  it('lets an in-flight request finish on the schema it started with', async () => {
    subgraphs.byName.accounts.setFaults({ delayMs: 400 });
    try {
      const inFlight = postGraphQL(gateway.url, '{ users(first: 1) { id name } }');
      await new Promise((r) => setTimeout(r, 100));
      const original = readFileSync(schemaPath('accounts'), 'utf8');
      replaceFile(schemaPath('accounts'), original.replace(/^\s*name: String!?\n/m, '\n'));
      const { status, body } = await inFlight;
      expect(status).toBe(200);
      expect(body.errors).toBeUndefined();
      expect(typeof body.data!.users[0].name).toBe('string');
      replaceFile(schemaPath('accounts'), original);
      await waitFor(() => isValid('{ users(first: 1) { name } }'), 5_000, 'name to come back');
    } finally {
      subgraphs.byName.accounts.setFaults({});
    }
  });
});

describe('hot reload after a failed composition', () => {
  it('reloads once the broken schema file (in a folder new to the watcher) is fixed', async () => {
    const newFolder = join(folder, 'b-schema');
    mkdirSync(newFolder);
    const bSchema = join(newFolder, 'b.graphql');
    // Conflicts with accounts' `users(first: Int): [User!]!`: composition fails.
    writeFileSync(bSchema, `${LINK}type Query { users: String }\n`);
    const logsBefore = gateway.logs.length;
    const yamlPath = join(folder, 'supergraph.yaml');
    const yaml = readFileSync(yamlPath, 'utf8');
    replaceFile(yamlPath, `${yaml}  b:\n    routing_url: ${subgraphs.urls.accounts}\n    schema:\n      file: ./b-schema/b.graphql\n`);
    await waitFor(
      () => gateway.logs.slice(logsBefore).some((l) => l.msg?.startsWith('supergraph reload failed')),
      5_000,
      'the failed reload to be logged',
    );
    expect(await isValid('{ users(first: 1) { id } }')).toBe(true);
    replaceFile(bSchema, `${LINK}type Query { bHello: String }\n`);
    await waitFor(() => isValid('{ bHello }'), 5_000, 'the fixed subgraph b to be served');
  });

  it('closes the pools of a subgraph that left the supergraph', async () => {
    expect(await isValid('{ bHello }')).toBe(true);
    const logsBefore = gateway.logs.length;
    const yamlPath = join(folder, 'supergraph.yaml');
    replaceFile(yamlPath, readFileSync(yamlPath, 'utf8').replace(/ {2}b:\n( {4}.*\n)+/, ''));
    await waitFor(() => isValid('{ users(first: 1) { id } }').then(async (ok) => ok && !(await isValid('{ bHello }'))), 5_000, 'b to leave');
    await waitFor(
      () => gateway.logs.slice(logsBefore).some((l) => l.msg === 'subgraph left the supergraph; closing its pools' && l.subgraph === 'b'),
      5_000,
      'b to release its pools',
    );
    expect(gateway.logs.slice(logsBefore).some((l) => l.msg === 'subgraph left the supergraph; closing its pools' && l.subgraph !== 'b')).toBe(false);
  });
});
