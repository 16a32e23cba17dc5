import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/gateway.js';

const TSX = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');

function runBench(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(TSX, ['test/bench/run-bench.ts', ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm run bench (smoke: one very short round, not a measurement)', () => {
  it('runs A and B on the heavy query and B on subscriptions, verifies every response and event, and reports the ratio line and JSON', async () => {
    const json = join(mkdtempSync(join(tmpdir(), 'switchyard-bench-smoke-')), 'bench.json');
    const result = await runBench([
      ...['--duration', '2', '--warmup', '0', '--connections', '4', '--rounds', '1', '--only', 'A,B'],
      ...['--subscribers', '20', '--events-per-second', '2', '--json', json],
    ]);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines.at(-1)).toMatch(/^ratio B\/A=\d+\.\d\d B\/H=n\/a C\/A=n\/a \(unique identity\)$/);
    expect(result.stdout).toMatch(/\| A plain Apollo \| unique \|/);

    const report = JSON.parse(readFileSync(json, 'utf8'));
    // The scenario: one response of about 80–100 KB from 16 subgraph fetches.
    expect(report.reference.bytes).toBeGreaterThan(80 * 1024);
    expect(report.reference.bytes).toBeLessThan(100 * 1024);
    expect(report.reference.fetches).toBe(16);
    expect(report.samples).toHaveLength(4);
    for (const sample of report.samples) {
      expect(sample.load.responses, `${sample.gateway} ${sample.workload}`).toBeGreaterThan(0);
      expect(
        sample.load.verified,
        `${sample.gateway} ${sample.workload}: ${JSON.stringify(sample.load.breakdown)} ${sample.load.firstFailure ?? ''}\n${result.stderr.slice(-2000)}`,
      ).toBe(sample.load.responses);
      expect(sample.load.errors).toBe(0);
      expect(sample.gatewayUsage.cpuPercent).toBeGreaterThan(0);
      expect(sample.gatewayUsage.peakRssBytes).toBeGreaterThan(10 * 1024 * 1024);
      if (sample.workload === 'unique') expect(sample.load.tokensUsed).toBeGreaterThanOrEqual(sample.load.responses);
    }
    // Subscriptions: B only (plain Apollo Gateway refuses them); every subscriber got every event.
    expect(result.stdout).toMatch(/^\| B Switchyard \| 20 \| 2 \| 80 \/ 80 \| 0 \| 0 \|/m);
    expect(result.stdout).toMatch(/^subscriptions B\/H p99=n\/a RSS=n\/a \(lower is better\)$/m);
    expect(report.subscriptions.samples).toHaveLength(1);
    const [subscriptions] = report.subscriptions.samples;
    expect(subscriptions.gateway).toBe('B');
    expect(subscriptions.result, subscriptions.result.firstFailure).toMatchObject({
      subscribers: 20,
      events: 4,
      expected: 80,
      delivered: 80,
      missing: 0,
      bad: 0,
    });
    expect(subscriptions.result.p99Ms).toBeGreaterThan(0);
    expect(subscriptions.gatewayUsage.peakRssBytes).toBeGreaterThan(10 * 1024 * 1024);
    // B again with and without Accept-Encoding: every answer decoded and checked; brotli shrinks it.
    expect(result.stdout).toMatch(/^compression \(B, unique identity, same load\): identity .+ \| br .+$/m);
    expect(report.compression).toHaveLength(2);
    expect(report.compression.map((c: { encoding: string }) => c.encoding)).toEqual(['identity', 'br']);
    for (const phase of report.compression) {
      expect(phase.responses).toBeGreaterThan(0);
      expect(phase.mismatches).toBe(0);
    }
    expect(report.compression[1].bytesPerResponse).toBeLessThan(report.compression[0].bytesPerResponse / 3);
    expect(report.summary.map((row: { gateway: string; workload: string }) => `${row.gateway}/${row.workload}`)).toEqual([
      'A/identical',
      'A/unique',
      'B/identical',
      'B/unique',
    ]);
  }, 120_000);
});
