import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/gateway.js';

const TSX = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');

function runGateway(args: string[], env: Record<string, string> = {}) {
  return spawnSync(TSX, ['gateway/cli/main.ts', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
}

function tempFile(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'switchyard-start-')), name);
  writeFileSync(path, text);
  return path;
}

const schema = (name: string) => join(REPO_ROOT, 'subgraphs', name, 'schema.graphql');

describe('gateway startup errors: one clear message, non-zero exit', () => {
  it.each([
    {
      case: 'composition error (names code and subgraphs)',
      yaml: `subgraphs:\n  products:\n    routing_url: http://127.0.0.1:1/graphql\n    schema: { file: ${tempFile('p.graphql', 'type Query { a: Int }\ntype Product @key(fields: "upc") { upc: String! }')} }\n  inventory:\n    routing_url: http://127.0.0.1:2/graphql\n    schema: { file: ${schema('inventory')} }\n`,
      expected: /SUPERGRAPH_INVALID: Composition failed[\s\S]*\[[A-Z_]+\][\s\S]*subgraphs: .*inventory/,
    },
    {
      case: 'missing schema file',
      yaml: 'subgraphs:\n  accounts:\n    routing_url: http://127.0.0.1:1/graphql\n    schema: { file: ./nope.graphql }\n',
      expected: /subgraphs\.accounts\.schema\.file ".*nope\.graphql" not found/,
    },
    {
      case: 'unreachable subgraph_url',
      yaml: 'subgraphs:\n  accounts:\n    schema: { subgraph_url: http://127.0.0.1:9/graphql }\n',
      expected: /subgraph "accounts": subgraph_url http:\/\/127\.0\.0\.1:9\/graphql is unreachable/,
    },
    { case: 'bad YAML', yaml: 'subgraphs: [unclosed\n', expected: /not valid YAML/ },
    {
      case: 'unknown key (named)',
      yaml: `subgraphs:\n  accounts:\n    routing_url: http://x/graphql\n    schmea: { file: a }\n    schema: { file: ${schema('accounts')} }\n`,
      expected: /subgraphs\.accounts\.schmea: unknown key/,
    },
  ])('$case', ({ yaml, expected }) => {
    const result = runGateway(['--supergraph-config', tempFile('supergraph.yaml', yaml)]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(expected);
    expect(result.stderr).not.toMatch(/\n\s+at .*\(/); // no stack trace
  });

  it.each([
    {
      case: "@context/@fromContext on Apollo's executor (it cannot pass context values)",
      files: {
        a: `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
type Query { t: T! }
type T @key(fields: "id") { id: ID! prop: String! }`,
        b: `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@context", "@fromContext", "@external"])
type T @key(fields: "id") @context(name: "ctx") { id: ID! prop: String! @external u: U! }
type U @key(fields: "id") { id: ID! field(a: String @fromContext(field: "$ctx { prop }")): Int! }`,
      },
      config: 'server: { executor: apollo }\n',
      expected:
        /SUPERGRAPH_INVALID[\s\S]*https:\/\/specs\.apollo\.dev\/context\/v0\.1 \(for: SECURITY\): @context\/@fromContext need Switchyard's executor/,
    },
    {
      case: '@authenticated with auth off (names the key that turns it on)',
      files: {
        a: `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@authenticated"])
type Query { me: String @authenticated }`,
      },
      config: 'auth: { enabled: false }\n',
      expected: /SUPERGRAPH_INVALID[\s\S]*authenticated\/v0\.1 \(for: SECURITY\): the auth plugin enforces it: turn auth on \(auth\.enabled: true\)/,
    },
  ])('a supergraph linking a feature nothing enforces: $case', ({ files, config, expected }) => {
    const subgraphs = Object.entries(files)
      .map(
        ([name, sdl], index) =>
          `  ${name}:\n    routing_url: http://127.0.0.1:${index + 1}/graphql\n    schema: { file: ${tempFile(`${name}.graphql`, sdl)} }\n`,
      )
      .join('');
    const args = ['--supergraph-config', tempFile('supergraph.yaml', `subgraphs:\n${subgraphs}`)];
    if (config) args.push('--config', tempFile('switchyard.yaml', config));
    const result = runGateway(args);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(expected);
    expect(result.stderr).not.toMatch(/\n\s+at .*\(/);
  });

  it('invalid config from the environment names the key and the variable', () => {
    const result = runGateway([], { PORT: 'eighty' });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/CONFIG_INVALID[\s\S]*server\.port \(from env PORT\)/);
  });

  it('an unknown flag is refused with the usage line', () => {
    const result = runGateway(['--prot', '4000']);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/Unknown option '--prot'[\s\S]*Usage: npm run gateway/);
  });
});
