import { copyFileSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, startGateway, waitFor } from '../../helpers/gateway.js';
import { createCloseStack, postGraphQL, startSubgraphs, type RunningSubgraphs } from '../../helpers/subgraphs.js';

const closeStack = createCloseStack();
let subgraphs: RunningSubgraphs;

/** A private copy of the subgraph schemas and supergraph.yaml, so the test can edit them. */
function copyGraph(names: readonly string[], transform: (name: string, sdl: string) => string = (_n, sdl) => sdl): string {
  const folder = mkdtempSync(join(tmpdir(), 'switchyard-auth-reload-'));
  const lines = ['federation_version: =2.9.0', 'subgraphs:'];
  for (const name of names) {
    const sdl = readFileSync(join(REPO_ROOT, 'subgraphs', name, 'schema.graphql'), 'utf8');
    writeFileSync(join(folder, `${name}.graphql`), transform(name, sdl));
    lines.push(
      `  ${name}:`,
      `    routing_url: ${subgraphs.urls[name as keyof typeof subgraphs.urls]}`,
      '    schema:',
      `      file: ./${name}.graphql`,
    );
  }
  writeFileSync(join(folder, 'supergraph.yaml'), lines.join('\n') + '\n');
  return folder;
}

function replaceFile(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

const plain = (sdl: string) => sdl.replaceAll(', "@authenticated"', '').replaceAll(' @authenticated', '');
const QUERY = '{ users(first: 1) { username } }';

beforeAll(async () => {
  subgraphs = await startSubgraphs();
  closeStack.push(subgraphs.close);
});
afterAll(() => closeStack.drain());

describe('authorization rules across supergraph reloads', () => {
  it('enforces a directive added by a reload, with auth on', async () => {
    const folder = copyGraph(['accounts']);
    const gateway = await startGateway({
      config: { supergraph: { source: 'compose', configPath: join(folder, 'supergraph.yaml'), pollIntervalSeconds: 0 } },
    });
    closeStack.push(gateway.close);
    expect((await postGraphQL(gateway.url, QUERY)).body.errors).toBeUndefined();

    const path = join(folder, 'accounts.graphql');
    replaceFile(path, readFileSync(path, 'utf8').replace('username: String!', 'username: String! @authenticated'));
    await waitFor(
      async () => (await postGraphQL(gateway.url, QUERY)).body.errors?.[0]?.extensions?.code === 'UNAUTHORIZED_FIELD_OR_TYPE',
      5_000,
      'username to need a signed-in caller',
    );
  });

  it('rejects a reload that brings authorization directives while auth is off, and keeps serving the last good supergraph', async () => {
    const folder = copyGraph(['accounts'], (_name, sdl) => plain(sdl));
    const gateway = await startGateway({
      config: { auth: { enabled: false }, supergraph: { source: 'compose', configPath: join(folder, 'supergraph.yaml'), pollIntervalSeconds: 0 } },
    });
    closeStack.push(gateway.close);
    copyFileSync(join(REPO_ROOT, 'subgraphs', 'accounts', 'schema.graphql'), join(folder, 'accounts.graphql.tmp'));
    renameSync(join(folder, 'accounts.graphql.tmp'), join(folder, 'accounts.graphql'));
    await waitFor(() => gateway.logs.some((l) => /cannot enforce/.test(l.err?.message ?? '')), 5_000, 'the reload to be refused');
    const { body } = await postGraphQL(gateway.url, '{ users(first: 1) { email } }');
    expect(body.errors).toBeUndefined();
    expect(typeof body.data!.users[0].email).toBe('string');
  });
});
