import { GATEWAY_IDS, type GatewayId } from './args.js';
import type { LoadResult } from './load.js';
import type { ProcessUsage } from './proc-sampler.js';
import type { SubscriptionLoadResult } from './subscriptions.js';

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

/** The subscription workload on one gateway in one round. */
export interface SubscriptionSample {
  gateway: GatewayId;
  round: number;
  result: SubscriptionLoadResult;
  gatewayUsage: ProcessUsage;
  subgraphUsage: ProcessUsage;
}

export interface SubscriptionSummaryRow {
  gateway: GatewayId;
  rounds: number;
  subscribers: number;
  eventsPerSecond: number;
  /** Summed over rounds. */
  expected: number;
  delivered: number;
  missing: number;
  bad: number;
  p50Ms: Spread;
  p99Ms: Spread;
  cpuPercent: Spread;
  peakRssMb: Spread;
  subgraphCpuPercent: Spread;
}

export function summarizeSubscriptions(samples: readonly SubscriptionSample[], eventsPerSecond: number): SubscriptionSummaryRow[] {
  const rows: SubscriptionSummaryRow[] = [];
  for (const gateway of GATEWAY_IDS) {
    const mine = samples.filter((s) => s.gateway === gateway);
    if (!mine.length) continue;
    const sum = (pick: (r: SubscriptionLoadResult) => number) => mine.reduce((total, s) => total + pick(s.result), 0);
    rows.push({
      gateway,
      rounds: mine.length,
      subscribers: mine[0].result.subscribers,
      eventsPerSecond,
      expected: sum((r) => r.expected),
      delivered: sum((r) => r.delivered),
      missing: sum((r) => r.missing),
      bad: sum((r) => r.bad),
      p50Ms: spread(mine.map((s) => s.result.p50Ms)),
      p99Ms: spread(mine.map((s) => s.result.p99Ms)),
      cpuPercent: spread(mine.map((s) => s.gatewayUsage.cpuPercent)),
      peakRssMb: spread(mine.map((s) => s.gatewayUsage.peakRssBytes / 1048576)),
      subgraphCpuPercent: spread(mine.map((s) => s.subgraphUsage.cpuPercent)),
    });
  }
  return rows;
}

/** The subscription table: delivery latency medians with (min–max) over rounds. */
export function formatSubscriptionTable(rows: readonly SubscriptionSummaryRow[]): string {
  const lines = [
    '| gateway | subscriptions | events/s | delivered / expected | missing | bad | p50 ms | p99 ms | gateway CPU % | peak RSS MB | subgraph CPU % |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of rows) {
    lines.push(
      `| ${GATEWAY_LABELS[r.gateway]} | ${r.subscribers} | ${r.eventsPerSecond} | ${r.delivered} / ${r.expected} | ${r.missing} | ${r.bad} | ` +
        `${cell(r.p50Ms, 1)} | ${cell(r.p99Ms, 1)} | ${cell(r.cpuPercent)} | ${cell(r.peakRssMb)} | ${cell(r.subgraphCpuPercent)} |`,
    );
  }
  return lines.join('\n');
}

/** B's delivery p99 and peak RSS against Hive Gateway's (the peer that serves subscriptions). */
export function subscriptionRatioLine(rows: readonly SubscriptionSummaryRow[]): string {
  const b = rows.find((r) => r.gateway === 'B');
  const h = rows.find((r) => r.gateway === 'H');
  const ratio = (x: number | undefined, base: number | undefined) => (x !== undefined && base ? (x / base).toFixed(2) : 'n/a');
  const missing = rows.filter((r) => r.missing > 0).map((r) => `${r.gateway} missed ${r.missing} of ${r.expected}`);
  return (
    `subscriptions B/H p99=${ratio(b?.p99Ms.median, h?.p99Ms.median)} RSS=${ratio(b?.peakRssMb.median, h?.peakRssMb.median)} (lower is better)` +
    (missing.length ? `; ${missing.join(', ')} deliveries (its latencies count only those delivered)` : '')
  );
}
