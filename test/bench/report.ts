import { GATEWAY_IDS, type GatewayId } from './args.js';
import type { LoadResult } from './load.js';
import type { ProcessUsage } from './proc-sampler.js';

export type Workload = 'identical' | 'unique';
export const WORKLOADS: readonly Workload[] = ['identical', 'unique'];

/** One measured workload on one gateway in one round. */
export interface RoundSample {
  gateway: GatewayId;
  workload: Workload;
  round: number;
  load: LoadResult;
  gatewayUsage: ProcessUsage;
  subgraphUsage: ProcessUsage;
  /** Subgraph requests per completed response (16 for the heavy query without deduplication). */
  subgraphFetchesPerResponse: number;
}

export interface Spread {
  median: number;
  min: number;
  max: number;
}

export interface SummaryRow {
  gateway: GatewayId;
  workload: Workload;
  rounds: number;
  rps: Spread;
  p50Ms: Spread;
  p99Ms: Spread;
  /** Summed over rounds. */
  errors: number;
  cpuPercent: Spread;
  peakRssMb: Spread;
  subgraphCpuPercent: Spread;
  subgraphFetchesPerResponse: Spread;
}

export function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1] };
}

/** Medians over rounds, with min–max, per gateway and workload. */
export function summarize(samples: readonly RoundSample[]): SummaryRow[] {
  const rows: SummaryRow[] = [];
  for (const gateway of GATEWAY_IDS) {
    for (const workload of WORKLOADS) {
      const mine = samples.filter((s) => s.gateway === gateway && s.workload === workload);
      if (!mine.length) continue;
      rows.push({
        gateway,
        workload,
        rounds: mine.length,
        rps: spread(mine.map((s) => s.load.rps)),
        p50Ms: spread(mine.map((s) => s.load.p50Ms)),
        p99Ms: spread(mine.map((s) => s.load.p99Ms)),
        errors: mine.reduce((sum, s) => sum + s.load.errors, 0),
        cpuPercent: spread(mine.map((s) => s.gatewayUsage.cpuPercent)),
        peakRssMb: spread(mine.map((s) => s.gatewayUsage.peakRssBytes / 1048576)),
        subgraphCpuPercent: spread(mine.map((s) => s.subgraphUsage.cpuPercent)),
        subgraphFetchesPerResponse: spread(mine.map((s) => s.subgraphFetchesPerResponse)),
      });
    }
  }
  return rows;
}

const fmt = (value: number, digits = 0): string => value.toFixed(digits);
const cell = (s: Spread, digits = 0): string =>
  s.min === s.max ? fmt(s.median, digits) : `${fmt(s.median, digits)} (${fmt(s.min, digits)}–${fmt(s.max, digits)})`;

export const GATEWAY_LABELS: Record<GatewayId, string> = {
  A: 'A plain Apollo',
  B: 'B Switchyard',
  C: 'C Switchyard ×N',
  H: 'H Hive Gateway',
};

/** A Markdown table: medians with (min–max) over rounds. */
export function formatTable(rows: readonly SummaryRow[]): string {
  const lines = [
    '| gateway | workload | RPS | p50 ms | p99 ms | errors | gateway CPU % | peak RSS MB | subgraph CPU % | fetches/resp |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of rows) {
    lines.push(
      `| ${GATEWAY_LABELS[r.gateway]} | ${r.workload} | ${cell(r.rps, 1)} | ${cell(r.p50Ms)} | ${cell(r.p99Ms)} | ${r.errors} | ` +
        `${cell(r.cpuPercent)} | ${cell(r.peakRssMb)} | ${cell(r.subgraphCpuPercent)} | ${cell(r.subgraphFetchesPerResponse, 1)} |`,
    );
  }
  return lines.join('\n');
}

/** The headline: median unique-identity RPS of B over A and over H, and of C over A. */
export function ratioLine(rows: readonly SummaryRow[]): string {
  const rps = (gateway: GatewayId) => rows.find((r) => r.gateway === gateway && r.workload === 'unique')?.rps.median;
  const ratio = (gateway: GatewayId, over: GatewayId): string => {
    const x = rps(gateway);
    const base = rps(over);
    return base && x !== undefined ? (x / base).toFixed(2) : 'n/a';
  };
  return `ratio B/A=${ratio('B', 'A')} B/H=${ratio('B', 'H')} C/A=${ratio('C', 'A')} (unique identity)`;
}
