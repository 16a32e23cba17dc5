// `npm run bench:hostile`: plain Apollo Gateway (A) vs Switchyard with its default config (B) under hostile
// input, class by class, each class on a fresh process of each gateway (a gateway a class froze or filled
// must not spoil the next), alternated A B, B A, … over rounds.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GatewayId } from '../args.js';
import { spawnServer, stopAllServers } from '../processes.js';
import { GATEWAY_LABELS } from '../report.js';
import { hostileClasses } from './cases.js';
import { writeHostileSupergraph } from './gateways.js';
import { HOSTILE_USAGE, parseHostileArgs, type HostileOptions } from './hostile-args.js';
import { formatClassTable, formatOutcomes, formatShapeTable, percentile, summarizeClasses, TARGET_LINE } from './hostile-report.js';
import { startHostileSubgraph } from './hostile-subgraph.js';
import { PROBE_INTERVAL_MS, runClassSession, type ClassSample } from './session.js';

const log = (line: string): void => void process.stderr.write(`${line}\n`);

function describe(s: ClassSample): string {
  const latencies = s.shapes.flatMap((shape) => shape.latenciesMs);
  const rss = (s.rssPeakBytes - s.rssBaselineBytes) / 1048576;
  const head =
    `  round ${s.round} ${s.className.padEnd(9)} ${GATEWAY_LABELS[s.gateway].padEnd(14)} p99=${percentile(latencies, 99).toFixed(0)}ms ` +
    `max=${Math.max(0, ...latencies).toFixed(0)}ms probe p99=${percentile(s.probe.latencies, 99).toFixed(0)}ms ` +
    `rss=${(s.rssBaselineBytes / 1048576).toFixed(0)}→${(s.rssPeakBytes / 1048576).toFixed(0)}MB (+${rss.toFixed(0)}) ${s.process}`;
  const shapes = s.shapes.map(
    (shape) =>
      `      ${shape.shape}: ${formatOutcomes(shape.answers, (k) => k)}; max ${Math.max(0, ...shape.latenciesMs).toFixed(0)} ms, ${(shape.maxBytes / 1024).toFixed(0)} KB`,
  );
  return [head, ...shapes].join('\n');
}

function parseOrExit(argv: readonly string[]): HostileOptions {
  try {
    return parseHostileArgs(argv);
  } catch (error) {
    const message = (error as Error).message;
    log(`bench:hostile: ${message}${message.includes(HOSTILE_USAGE) ? '' : `\n${HOSTILE_USAGE}`}`);
    process.exit(2);
  }
}

async function main(): Promise<void> {
  const options = parseOrExit(process.argv.slice(2));
  const folder = mkdtempSync(join(tmpdir(), 'switchyard-bench-hostile-'));
  const machine = { nproc: availableParallelism(), cpu: cpus()[0]?.model ?? 'unknown', node: process.version, date: new Date().toISOString() };
  log(`switchyard hostile bench: ${JSON.stringify(options)}\nmachine: ${JSON.stringify(machine)}\nlogs: ${folder}`);

  const onSignal = (): void => void stopAllServers().then(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  // In this process: its answers are prebuilt buffers, so serving them barely touches our event loop.
  const hostile = await startHostileSubgraph();
  try {
    const [subgraphs, probe] = await Promise.all([
      spawnServer<{ urls: Record<string, string> }>({
        script: 'test/bench/subgraphs-process.ts',
        logFile: join(folder, 'subgraphs.log'),
        readyMessage: 'ready',
      }),
      spawnServer({ script: 'test/bench/hostile/probe-process.ts', logFile: join(folder, 'probe.log'), readyMessage: 'ready' }),
    ]);
    const supergraphPath = writeHostileSupergraph(folder, subgraphs.ready.urls, hostile.url);
    const context = { supergraphPath, folder, probe: probe.process, quick: options.quick };
    const classes = hostileClasses().filter((c) => options.classes.includes(c.name));

    const samples: ClassSample[] = [];
    for (let round = 1; round <= options.rounds; round++) {
      // B A in even rounds: whoever runs second inherits a warmer machine, so the order alternates too.
      const order: GatewayId[] = round % 2 ? options.only : [...options.only].reverse();
      for (const hostileClass of classes) {
        for (const id of order) {
          const sample = await runClassSession(context, id, hostileClass, round);
          samples.push(sample);
          log(describe(sample));
        }
      }
    }

    const rows = summarizeClasses(samples);
    const classTable = formatClassTable(rows);
    const shapeTable = formatShapeTable(samples, options.only);
    if (options.jsonPath) {
      writeFileSync(
        options.jsonPath,
        JSON.stringify({ machine, options, target: TARGET_LINE, summary: rows, samples, hostileSubgraphRequests: hostile.requests }, null, 2),
      );
      log(`wrote ${options.jsonPath}`);
    }
    const note = `probe: { __typename } POST every ${PROBE_INTERVAL_MS} ms from 127.0.0.2 (another client than the hostile one, 127.0.0.1), open loop`;
    process.stdout.write(`\n${TARGET_LINE}\n${note}\n\n${classTable}\n\nBy shape (answers: status and first error code):\n\n${shapeTable}\n`);
  } finally {
    await stopAllServers();
    await hostile.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:hostile: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
