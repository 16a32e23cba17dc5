// Figures of the hostile benchmark: per class and gateway, medians over rounds (min–max), and per shape
// what each gateway answered. The target is printed beside them.
import type { GatewayId } from '../args.js';
import { GATEWAY_LABELS, spread, type Spread } from '../report.js';
import type { ClassSample } from './session.js';

export const TARGET = { p99Ms: 50, probeP99Ms: 50, rssGrowthMb: 256 } as const;
export const TARGET_LINE =
  `target: every hostile case answered in < ${TARGET.p99Ms} ms at p99, probe p99 < ${TARGET.probeP99Ms} ms, ` +
  `RSS growth < ${TARGET.rssGrowthMb} MB; no timeouts, no crash`;
const MB = 1048576;
/** Outcomes that are no answer at all. */
const UNANSWERED = new Set(['timeout', 'unanswered']);

/** Nearest-rank percentile (p in 0–100) of unsorted values; 0 for none. */
export function percentile(values: readonly number[], p: number): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

export interface ClassRow {
  className: string;
  gateway: GatewayId;
  rounds: number;
  requests: number;
  /** Summed over rounds. */
  outcomes: Record<string, number>;
  p99Ms: Spread;
  maxMs: Spread;
  probeP99Ms: Spread;
  probeMaxMs: Spread;
  probeOutcomes: Record<string, number>;
  rssGrowthMb: Spread;
  /** Non-`alive` process states, one per round where the gateway died. */
  deaths: string[];
  target: string;
}

function add(into: Record<string, number>, from: Record<string, number>): void {
  for (const [key, n] of Object.entries(from)) into[key] = (into[key] ?? 0) + n;
}

function verdict(row: Omit<ClassRow, 'target'>): string {
  const missed: string[] = [];
  const unanswered = Object.entries(row.outcomes)
    .filter(([k]) => UNANSWERED.has(k))
    .reduce((n, [, v]) => n + v, 0);
  if (row.p99Ms.max >= TARGET.p99Ms) missed.push('p99');
  if (row.probeP99Ms.max >= TARGET.probeP99Ms) missed.push('probe');
  if (row.rssGrowthMb.max >= TARGET.rssGrowthMb) missed.push('RSS');
  if (unanswered) missed.push(`${unanswered} timeouts`);
  if (row.deaths.length) missed.push('crash');
  return missed.length ? `missed: ${missed.join(', ')}` : 'met';
}

export function summarizeClasses(samples: readonly ClassSample[]): ClassRow[] {
  const rows: ClassRow[] = [];
  const classes = [...new Set(samples.map((s) => s.className))];
  for (const className of classes) {
    for (const gateway of ['A', 'B'] as const) {
      const mine = samples.filter((s) => s.className === className && s.gateway === gateway);
      if (!mine.length) continue;
      const outcomes: Record<string, number> = {};
      const probeOutcomes: Record<string, number> = {};
      for (const s of mine) {
        for (const shape of s.shapes) add(outcomes, shape.outcomes);
        add(probeOutcomes, s.probe.outcomes);
      }
      const latencies = (s: ClassSample): number[] => s.shapes.flatMap((shape) => shape.latenciesMs);
      const row = {
        className,
        gateway,
        rounds: mine.length,
        requests: mine.reduce((n, s) => n + s.shapes.reduce((m, shape) => m + shape.requests, 0), 0),
        outcomes,
        p99Ms: spread(mine.map((s) => percentile(latencies(s), 99))),
        maxMs: spread(mine.map((s) => Math.max(0, ...latencies(s)))),
        probeP99Ms: spread(mine.map((s) => percentile(s.probe.latencies, 99))),
        probeMaxMs: spread(mine.map((s) => Math.max(0, ...s.probe.latencies))),
        probeOutcomes,
        rssGrowthMb: spread(mine.map((s) => Math.max(0, s.rssPeakBytes - s.rssBaselineBytes) / MB)),
        deaths: mine.map((s) => s.process).filter((state) => state !== 'alive'),
      };
      rows.push({ ...row, target: verdict(row) });
    }
  }
  return rows;
}

const cell = (s: Spread): string =>
  Math.round(s.min) === Math.round(s.max) ? s.median.toFixed(0) : `${s.median.toFixed(0)} (${s.min.toFixed(0)}–${s.max.toFixed(0)})`;
const label = (status: string): string => (status === '429' ? '429 refused' : status);
export const formatOutcomes = (outcomes: Record<string, number>, name = label): string =>
  Object.entries(outcomes)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, n]) => `${name(key)} ×${n}`)
    .join(', ');

/** The headline table, Markdown: one row per class and gateway. */
export function formatClassTable(rows: readonly ClassRow[]): string {
  const lines = [
    '| class | gateway | requests | answers | p99 ms | max ms | probe p99 ms | probe max ms | probe answers | RSS growth MB | target |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of rows) {
    const died = r.deaths.length ? ` (${r.deaths.join('; ')})` : '';
    lines.push(
      `| ${r.className} | ${GATEWAY_LABELS[r.gateway]} | ${r.requests} | ${formatOutcomes(r.outcomes)} | ${cell(r.p99Ms)} | ${cell(r.maxMs)} | ` +
        `${cell(r.probeP99Ms)} | ${cell(r.probeMaxMs)} | ${formatOutcomes(r.probeOutcomes)} | ${cell(r.rssGrowthMb)} | ${r.target}${died} |`,
    );
  }
  return lines.join('\n');
}

/** Per shape: each gateway's answers (status and first error code) and worst latency, over all rounds. */
export function formatShapeTable(samples: readonly ClassSample[], gateways: readonly GatewayId[]): string {
  const header = gateways.map((g) => `${GATEWAY_LABELS[g]} answers | ${g} p99 / max ms`).join(' | ');
  const lines = [`| class | shape | ${header} |`, `| --- | --- |${' --- | --- |'.repeat(gateways.length)}`];
  const keys = [...new Set(samples.flatMap((s) => s.shapes.map((shape) => `${s.className}\u0000${shape.shape}`)))];
  for (const key of keys) {
    const [className, shapeName] = key.split('\u0000');
    const cells = gateways.map((gateway) => {
      const shapes = samples
        .filter((s) => s.gateway === gateway && s.className === className)
        .flatMap((s) => s.shapes.filter((x) => x.shape === shapeName));
      if (!shapes.length) return '– | –';
      const answers: Record<string, number> = {};
      for (const shape of shapes) add(answers, shape.answers);
      const latencies = shapes.flatMap((shape) => shape.latenciesMs);
      return `${formatOutcomes(answers, (k) => k)} | ${percentile(latencies, 99).toFixed(0)} / ${Math.max(...latencies).toFixed(0)}`;
    });
    lines.push(`| ${className} | ${shapeName} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}
