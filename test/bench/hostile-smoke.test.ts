import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/gateway.js';
import { hostileClasses } from './hostile/cases.js';
import { writeHostileSupergraph } from './hostile/gateways.js';
import { startHostileSubgraph, type HostileSubgraph } from './hostile/hostile-subgraph.js';

const TSX = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');

function runHostileBench(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(TSX, ['test/bench/hostile/run-hostile.ts', ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Depth of `value`'s first-key nesting, walked without recursion (the point is that it is very deep). */
function depthOf(value: unknown): number {
  let depth = 0;
  while (value !== null && typeof value === 'object') {
    value = Object.values(value)[0];
    depth++;
  }
  return depth;
}

describe('npm run bench:hostile (smoke: one very short round, not a measurement)', () => {
  it('runs the client-mistakes class on A and B and reports every answer, the probe and RSS', async () => {
    const json = join(mkdtempSync(join(tmpdir(), 'switchyard-bench-hostile-smoke-')), 'hostile.json');
    const result = await runHostileBench(['--quick', '--rounds', '1', '--class', 'mistakes', '--only', 'A,B', '--json', json]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^target: every hostile case answered in < 50 ms at p99/m);
    expect(result.stdout).toMatch(/^\| mistakes \| A plain Apollo \| 64 \|/m);
    expect(result.stdout).toMatch(/^\| mistakes \| B Switchyard \| 64 \|/m);

    const report = JSON.parse(readFileSync(json, 'utf8'));
    const shapes = hostileClasses().find((c) => c.name === 'mistakes')!.shapes;
    expect(report.samples.map((s: { gateway: string }) => s.gateway)).toEqual(['A', 'B']);
    for (const sample of report.samples) {
      expect(sample.process).toBe('alive');
      expect(sample.shapes.map((s: { shape: string; requests: number }) => [s.shape, s.requests])).toEqual(shapes.map((s) => [s.name, s.quickCount]));
      expect(sample.probe.latencies.length).toBeGreaterThan(5);
      expect(sample.rssBaselineBytes).toBeGreaterThan(10 * 1024 * 1024);
      expect(sample.rssPeakBytes).toBeGreaterThanOrEqual(sample.rssBaselineBytes);
      for (const shape of sample.shapes) expect(Object.keys(shape.outcomes), `${sample.gateway} ${shape.shape}`).not.toContain('timeout');
    }
    // Switchyard answers each client mistake with a 4xx and its code (README, "Client mistakes").
    for (const shape of report.samples[1].shapes) {
      for (const status of Object.keys(shape.outcomes)) expect(status, shape.shape).toMatch(/^4\d\d$/);
    }
  }, 120_000);

  describe('the hostile subgraph', () => {
    let hostile: HostileSubgraph;
    afterAll(() => hostile?.close());
    const entities = async (field: string): Promise<Response> => {
      hostile ??= await startHostileSubgraph();
      const body = {
        query: `query($representations:[_Any!]!){_entities(representations:$representations){...on Product{${field}}}}`,
        variables: {
          representations: [
            { __typename: 'Product', upc: '1' },
            { __typename: 'Product', upc: '2' },
          ],
        },
      };
      return fetch(hostile.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    };

    it('misbehaves as each field promises', async () => {
      const deep = await (await entities('deepErrorExtensions')).json();
      expect(depthOf(deep.errors[0].extensions.nested)).toBeGreaterThanOrEqual(100_000);
      expect(deep.data._entities).toEqual([null, null]);
      expect(typeof (await (await entities('dataString')).json()).data).toBe('string');
      expect((await (await entities('manyErrors')).json()).errors).toHaveLength(100_000);
      const huge = await entities('hugeBody');
      expect(Number(huge.headers.get('content-length'))).toBeGreaterThan(50 * 1024 * 1024);
      await huge.body?.cancel();
      expect(hostile.requests).toEqual({ deepErrorExtensions: 1, dataString: 1, manyErrors: 1, hugeBody: 1 });
    });

    it('composes beside the four example subgraphs', () => {
      const urls = Object.fromEntries(
        ['accounts', 'products', 'inventory', 'reviews'].map((name, i) => [name, `http://127.0.0.1:${4101 + i}/graphql`]),
      );
      const path = writeHostileSupergraph(mkdtempSync(join(tmpdir(), 'switchyard-hostile-supergraph-')), urls, 'http://127.0.0.1:4199/graphql');
      const sdl = readFileSync(path, 'utf8');
      expect(sdl).toMatch(/join__graph\(name: "hostile", url: "http:\/\/127\.0\.0\.1:4199\/graphql"\)/);
      expect(sdl).toMatch(/hugeBody: String @join__field\(graph: HOSTILE\)/);
    });
  });
});
