import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './gateway.js';

const TSX = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');

/** A temp copy of supergraph.yaml and the schema files, routed to running subgraphs. */
export interface SchemaWorkspace {
  folder: string;
  configPath: string;
  schemaPath(name: string): string;
  /** Writes a candidate schema beside the workspace (not one supergraph.yaml points to). */
  writeCandidate(name: string, sdl: string): string;
}

export function createSchemaWorkspace(urls: Record<string, string>): SchemaWorkspace {
  const folder = mkdtempSync(join(tmpdir(), 'switchyard-schemas-'));
  const schemaPath = (name: string) => join(folder, `${name}.graphql`);
  const lines = ['federation_version: =2.9.0', 'subgraphs:'];
  for (const [name, url] of Object.entries(urls)) {
    copyFileSync(join(REPO_ROOT, 'subgraphs', name, 'schema.graphql'), schemaPath(name));
    lines.push(`  ${name}:`, `    routing_url: ${url}`, '    schema:', `      file: ./${name}.graphql`);
  }
  const configPath = join(folder, 'supergraph.yaml');
  writeFileSync(configPath, lines.join('\n') + '\n');
  let candidates = 0;
  return {
    folder,
    configPath,
    schemaPath,
    writeCandidate(name, sdl) {
      const path = join(folder, `candidate-${++candidates}-${name}.graphql`);
      writeFileSync(path, sdl);
      return path;
    },
  };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `npm run schema:<command>`'s script as a child process (async: the test's gateways keep serving). */
export function runSchemaCli(command: 'check' | 'publish', args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  const childEnv: Record<string, string | undefined> = { ...process.env, REDIS_URL: undefined, ...env };
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, [`gateway/cli/schema-${command}.ts`, ...args], {
      cwd: REPO_ROOT,
      env: Object.fromEntries(Object.entries(childEnv).filter(([, v]) => v !== undefined)) as NodeJS.ProcessEnv,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
