import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/gateway.js';
import { createCloseStack, postGraphQL, startSubgraphs } from '../helpers/subgraphs.js';
import { startCompiledGateway } from '../helpers/gateway-process.js';
import { createComposedSupergraphSource } from '../../gateway/supergraph/index.js';
import { writeSupergraphYaml } from '../helpers/gateway.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';

const DIST = join(REPO_ROOT, 'dist', 'gateway');

function filesUnder(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? filesUnder(path) : path.endsWith('.js') ? [path] : [];
  });
}

/** The package a bare import names (`@scope/name/sub` → `@scope/name`). */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

describe('npm run build: the gateway compiled to dist/, served by node without tsx', () => {
  it('builds, imports only production dependencies, and serves a federated query from node dist/gateway/cli/main.js', async () => {
    const build = spawnSync('npm', ['run', 'build'], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(build.status, build.stdout + build.stderr).toBe(0);

    // What `npm ci --omit=dev` installs is enough: every bare import of dist/ is a dependency or a builtin.
    const dependencies = new Set(Object.keys(JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).dependencies));
    const builtins = new Set([...builtinModules, ...builtinModules.map((name) => `node:${name}`)]);
    const imported = new Set<string>();
    for (const file of filesUnder(DIST)) {
      for (const match of readFileSync(file, 'utf8').matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'".][^'"]*)['"]/g)) {
        imported.add(match[1]!);
      }
      for (const match of readFileSync(file, 'utf8').matchAll(/import\(\s*['"]([^'".][^'"]*)['"]\s*\)/g)) imported.add(match[1]!);
    }
    const missing = [...imported].filter((specifier) => !builtins.has(specifier) && !dependencies.has(packageOf(specifier)));
    expect(missing, 'imports of dist/ that are not production dependencies').toEqual([]);
    expect(imported.size).toBeGreaterThan(10);

    const closeStack = createCloseStack();
    try {
      const subgraphs = await startSubgraphs();
      closeStack.push(subgraphs.close);
      const folder = mkdtempSync(join(tmpdir(), 'switchyard-build-'));
      const { supergraphSdl } = await createComposedSupergraphSource({ configPath: writeSupergraphYaml(subgraphs.urls, folder), env: {} }).load();
      const supergraphPath = join(folder, 'supergraph.graphql');
      writeFileSync(supergraphPath, supergraphSdl);
      const started = performance.now();
      const gateway = await startCompiledGateway(REPO_ROOT, join(DIST, 'cli', 'main.js'), supergraphPath, {
        SWITCHYARD_JWT_SECRET: 'build-test-secret-0123456789abcdef0123456789',
      });
      closeStack.push(gateway.stop);
      const url = gateway.url;
      console.log(`node dist/gateway/cli/main.js ready in ${Math.round(performance.now() - started)} ms`);
      const { body } = await postGraphQL(url, '{ topProducts(first: 2) { upc name inStock reviews { author { username } } } }');
      expect(body.errors).toBeUndefined();
      expect(body.data!.topProducts).toHaveLength(2);
    } finally {
      await closeStack.drain();
    }
  }, 120_000);
});
