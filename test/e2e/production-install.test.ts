import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { createComposedSupergraphSource } from '../../gateway/supergraph/index.js';
import { REPO_ROOT, writeSupergraphYaml } from '../helpers/gateway.js';
import { createCloseStack, postGraphQL, startSubgraphs } from '../helpers/subgraphs.js';
import { startCompiledGateway } from '../helpers/gateway-process.js';

/**
 * What an operator does: a clean folder with the package and its lockfile, `npm ci --omit=dev`
 * (production dependencies only, no tsx, no TypeScript), the compiled gateway beside it, and
 * `node dist/gateway/cli/main.js`. It must install without an engine warning on this Node and serve
 * the example graph.
 */
describe('npm ci --omit=dev and the build serve the example graph', () => {
  it('installs production dependencies without EBADENGINE and answers a query spanning all four subgraphs', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'switchyard-prod-'));
    const closeStack = createCloseStack();
    closeStack.push(async () => rmSync(folder, { recursive: true, force: true }));
    try {
      cpSync(join(REPO_ROOT, 'package.json'), join(folder, 'package.json'));
      cpSync(join(REPO_ROOT, 'package-lock.json'), join(folder, 'package-lock.json'));
      const install = spawnSync('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], {
        cwd: folder,
        encoding: 'utf8',
      });
      expect(install.status, install.stdout + install.stderr).toBe(0);
      expect(install.stdout + install.stderr).not.toContain('EBADENGINE');

      // The build, from the repository's TypeScript (a dev dependency there), into the clean folder.
      const build = spawnSync(
        process.execPath,
        [join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json', '--outDir', join(folder, 'dist')],
        {
          cwd: REPO_ROOT,
          encoding: 'utf8',
        },
      );
      expect(build.status, build.stdout + build.stderr).toBe(0);

      const subgraphs = await startSubgraphs();
      closeStack.push(subgraphs.close);
      const { supergraphSdl } = await createComposedSupergraphSource({ configPath: writeSupergraphYaml(subgraphs.urls, folder), env: {} }).load();
      writeFileSync(join(folder, 'supergraph.graphql'), supergraphSdl);
      const gateway = await startCompiledGateway(folder, 'dist/gateway/cli/main.js', 'supergraph.graphql', {
        SWITCHYARD_JWT_SECRET: 'prod-install-test-secret-0123456789abcdef',
      });
      closeStack.push(gateway.stop);
      const url = gateway.url;
      const { body } = await postGraphQL(url, '{ topProducts(first: 2) { upc name inStock reviews { author { username } } } }');
      expect(body.errors).toBeUndefined();
      expect(body.data!.topProducts).toHaveLength(2);
    } finally {
      await closeStack.drain();
    }
  }, 180_000);
});

describe('engines', () => {
  it('every package the lockfile installs on this platform accepts this Node (npm install prints no EBADENGINE)', () => {
    const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { engines?: { node?: string }; os?: string[]; cpu?: string[]; optional?: boolean }>;
    };
    const refused = Object.entries(lock.packages).filter(([path, entry]) => {
      const range = entry.engines?.node;
      if (!path || !range) return false;
      // Optional builds for another OS or CPU are never installed here.
      if (entry.os && !entry.os.includes(process.platform)) return false;
      if (entry.cpu && !entry.cpu.includes(process.arch)) return false;
      return !semver.satisfies(process.version, range);
    });
    expect(refused.map(([path, entry]) => `${path} wants node ${entry.engines!.node}`)).toEqual([]);
  });
});
