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

function replaceFile(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])\n';
const isValid = async (query: string) => {
  const { body } = await postGraphQL(gateway.url, query);
  return !body.errors?.some((e) => e.extensions?.code === 'GRAPHQL_VALIDATION_FAILED');
};

beforeAll(async () => {
  subgraphs = await startSubgraphs();
  closeStack.push(subgraphs.close);
  folder = mkdtempSync(join(tmpdir(), 'switchyard-recover-'));
  const lines = ['federation_version: =2.9.0', 'subgraphs:'];
  for (const [name, url] of Object.entries(subgraphs.urls)) {
    copyFileSync(join(REPO_ROOT, 'subgraphs', name, 'schema.graphql'), join(folder, `${name}.graphql`));
    lines.push(`  ${name}:`, `    routing_url: ${url}`, '    schema:', `      file: ./${name}.graphql`);
  }
  writeFileSync(join(folder, 'supergraph.yaml'), lines.join('\n') + '\n');
  gateway = await startGateway({
    config: { supergraph: { source: 'compose', configPath: join(folder, 'supergraph.yaml'), pollIntervalSeconds: 0 } },
  });
  closeStack.push(gateway.close);
});
afterAll(() => closeStack.drain());

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
    replaceFile(yamlPath, readFileSync(yamlPath, 'utf8').replace(/  b:\n(    .*\n)+/, ''));
    await waitFor(() => isValid('{ users(first: 1) { id } }').then(async (ok) => ok && !(await isValid('{ bHello }'))), 5_000, 'b to leave');
    await waitFor(
      () => gateway.logs.slice(logsBefore).some((l) => l.msg === 'subgraph left the supergraph; closing its pools' && l.subgraph === 'b'),
      5_000,
      'b to release its pools',
    );
    expect(gateway.logs.slice(logsBefore).some((l) => l.msg === 'subgraph left the supergraph; closing its pools' && l.subgraph !== 'b')).toBe(false);
  });
});
