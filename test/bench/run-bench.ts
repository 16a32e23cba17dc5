// `npm run bench`: plain Apollo Gateway (A) vs Switchyard (B, one process; C, one worker per core) vs Hive
// Gateway (H) on the public federation benchmark's heavy query, alternated A B C H A B C H … so machine
// drift cancels; then the subscription workload (subscriptions.ts) on B, C and H, alternated the same way.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createComposedSupergraphSource } from '../../gateway/supergraph/index.js';
import { REPO_ROOT, writeSupergraphYaml } from '../helpers/gateway.js';
import { freePort } from '../helpers/ports.js';
import { parseBenchArgs, type BenchOptions, type GatewayId } from './args.js';
import { compressionLine, runCompressionPhase, type CompressionSample } from './compression.js';
import { HEAVY_QUERY_BODY } from './heavy-query.js';
import { runLoad, type Reference } from './load.js';
import { sampleUsage } from './proc-sampler.js';
import { GATEWAY_NODE_FLAGS } from '../../gateway/cli/node-flags.js';
import { graphqlUrlFromBanner, PLAIN_GATEWAY_READY, spawnServer, stopAllServers, SWITCHYARD_READY, type Child } from './processes.js';
import {
  formatSubscriptionTable,
  formatTable,
  GATEWAY_LABELS,
  ratioLine,
  subscriptionRatioLine,
  summarize,
  summarizeSubscriptions,
  WORKLOADS,
  type RoundSample,
  type SubscriptionSample,
} from './report.js';
import { runSubscriptionLoad } from './subscriptions.js';
import { readSettledSubgraphRequests, readSubgraphRequests, readSubgraphSubscriptions, requestsBetween } from './subgraphs-control.js';
import { DEFAULT_BENCH_SECRET, mintTokens } from './tokens.js';

/** B's and C's config; SWITCHYARD_BENCH_CONFIG swaps it (e.g. plugins off, to measure their overhead). */
const SWITCHYARD_CONFIG = process.env.SWITCHYARD_BENCH_CONFIG || 'test/bench/switchyard-bench.yaml';
/** B's and C's Node flags: GATEWAY_NODE_FLAGS, as shipped; SWITCHYARD_BENCH_NODE_FLAGS (space-separated) swaps them to compare. */
const SWITCHYARD_NODE_FLAGS = process.env.SWITCHYARD_BENCH_NODE_FLAGS?.split(/\s+/).filter(Boolean) ?? GATEWAY_NODE_FLAGS;
/** Where `test/bench/tsconfig.json` compiles the gateways to (B and C, and A's script). */
const BUILD_FOLDER = 'dist/bench';
const log = (line: string): void => void process.stderr.write(`${line}\n`);

interface Setup {
  options: BenchOptions;
  folder: string;
  supergraphPath: string;
  secret: string;
  tokens: string[];
  subgraphs: Child & { ready: { urls: Record<string, string> } };
}

/**
 * Starts a gateway on port 0 and reads the URL it bound from its banner: a port picked beforehand
 * could be taken by another process (tests run beside the smoke bench) before it listens. Hive
 * Gateway's banner does not say which port 0 became, so H gets a free port picked just before.
 */
async function startGateway(id: GatewayId, setup: Setup, round: number, session = 'round'): Promise<Child & { url: string }> {
  const logFile = join(setup.folder, `gateway-${id}-${session}-${round}.log`);
  if (id === 'H') {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/graphql`;
    const child = await spawnServer({
      script: hiveGatewayBin(),
      compiled: true,
      args: ['supergraph', setup.supergraphPath, '--config-path', HIVE_CONFIG, '--port', String(port), '--host', '127.0.0.1'],
      logFile,
      // Hive Gateway announces itself on stdout (the log file): ask it instead.
      readyProbe: () =>
        fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' }).then((r) => r.ok),
    });
    return { ...child, url };
  }
  const child =
    id === 'A'
      ? await spawnServer<RegExpExecArray>({
          script: `${BUILD_FOLDER}/test/bench/plain-gateway.js`,
          compiled: true,
          args: [setup.supergraphPath, '0'],
          logFile,
          readyPattern: PLAIN_GATEWAY_READY,
        })
      : await spawnServer<RegExpExecArray>({
          script: `${BUILD_FOLDER}/gateway/cli/main.js`,
          compiled: true,
          nodeArgs: SWITCHYARD_NODE_FLAGS,
          args: ['--config', SWITCHYARD_CONFIG, '--supergraph', setup.supergraphPath, '--port', '0', '--host', '127.0.0.1'],
          env: { SWITCHYARD_WORKERS: id === 'B' ? '1' : 'auto', SWITCHYARD_JWT_SECRET: setup.secret },
          logFile,
          readyPattern: SWITCHYARD_READY,
        });
  return { ...child, url: graphqlUrlFromBanner(child.ready) };
}

/** Hive Gateway lives in its own folder, installed on first use (see test/bench/hive/package.json). */
const HIVE_FOLDER = join(REPO_ROOT, 'test', 'bench', 'hive');
const HIVE_CONFIG = join(HIVE_FOLDER, 'gateway.config.mjs');

/** The path of Hive Gateway's CLI relative to the repository (what spawnServer takes). */
function hiveGatewayBin(): string {
  const script = 'test/bench/hive/node_modules/@graphql-hive/gateway/dist/bin.js';
  const bin = join(REPO_ROOT, script);
  if (!existsSync(bin)) {
    log('installing Hive Gateway for gateway H (test/bench/hive, once)…');
    const install = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: HIVE_FOLDER,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    if (install.status !== 0 || !existsSync(bin))
      throw new Error('could not install Hive Gateway (npm ci in test/bench/hive); run without H: --only A,B,C');
  }
  return script;
}

type RunningGateway = Child & { url: string };

/**
 * The reference body: A's first answer to the heavy query, and how many subgraph fetches it took. A stays
 * up, so round 1 can use it instead of starting another (the caller stops it otherwise).
 */
async function takeReference(setup: Setup): Promise<{ reference: Reference & { bytes: number; fetches: number }; gateway: RunningGateway }> {
  const gateway = await startGateway('A', setup, 1);
  try {
    const before = await readSubgraphRequests(setup.subgraphs.process);
    const response = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: HEAVY_QUERY_BODY });
    const text = await response.text();
    const fetches = requestsBetween(before, await readSubgraphRequests(setup.subgraphs.process));
    const parsed = JSON.parse(text) as { errors?: unknown };
    if (response.status !== 200 || parsed.errors) throw new Error(`gateway A answered ${response.status}: ${text.slice(0, 500)}`);
    return { reference: { text, parsed, bytes: Buffer.byteLength(text), fetches }, gateway };
  } catch (error) {
    await gateway.stop();
    throw error;
  }
}

/** One gateway in one round: start, warm up, measure both workloads, stop. */
async function runSession(id: GatewayId, round: number, setup: Setup, reference: Reference, started?: RunningGateway): Promise<RoundSample[]> {
  const { options, tokens } = setup;
  const gateway = started ?? (await startGateway(id, setup, round));
  const samples: RoundSample[] = [];
  try {
    const base = { url: gateway.url, body: HEAVY_QUERY_BODY, connections: options.connections, reference };
    if (options.warmupSeconds > 0) {
      const warm = await runLoad({ ...base, durationSeconds: options.warmupSeconds, tokens });
      if (warm.errors) log(`  ${id} warm-up: ${warm.errors} errors ${JSON.stringify(warm.breakdown)}`);
    }
    for (const workload of WORKLOADS) {
      const before = await readSettledSubgraphRequests(setup.subgraphs.process);
      const gatewaySampler = sampleUsage(gateway.pid);
      const subgraphSampler = sampleUsage(setup.subgraphs.pid);
      const load = await runLoad({ ...base, durationSeconds: options.durationSeconds, tokens: workload === 'unique' ? tokens : undefined });
      const gatewayUsage = gatewaySampler.stop();
      const subgraphUsage = subgraphSampler.stop();
      const fetched = requestsBetween(before, await readSettledSubgraphRequests(setup.subgraphs.process));
      const sample: RoundSample = {
        gateway: id,
        workload,
        round,
        load,
        gatewayUsage,
        subgraphUsage,
        // Requests autocannon abandoned at the end still ran to completion in the gateway: count them too.
        subgraphFetchesPerResponse: load.requestsSent ? fetched / load.requestsSent : 0,
      };
      samples.push(sample);
      log(describeSample(sample));
    }
  } finally {
    await gateway.stop();
  }
  return samples;
}

/**
 * The subscription workload on one gateway in one round, on a fresh gateway (so its peak RSS is the
 * subscriptions', not what the query workloads left). A cannot run it: plain Apollo Gateway refuses
 * subscriptions.
 */
async function runSubscriptionSession(id: GatewayId, round: number, setup: Setup): Promise<SubscriptionSample> {
  const { options } = setup;
  const gateway = await startGateway(id, setup, round, 'subscriptions');
  try {
    const gatewaySampler = sampleUsage(gateway.pid);
    const subgraphSampler = sampleUsage(setup.subgraphs.pid);
    const result = await runSubscriptionLoad({
      url: gateway.url,
      publishUrl: setup.subgraphs.ready.urls.reviews,
      subscribers: options.subscribers,
      eventsPerSecond: options.eventsPerSecond,
      durationSeconds: options.durationSeconds,
      tokens: setup.tokens,
      subgraphSubscriptions: () => readSubgraphSubscriptions(setup.subgraphs.process),
    });
    const sample: SubscriptionSample = { gateway: id, round, result, gatewayUsage: gatewaySampler.stop(), subgraphUsage: subgraphSampler.stop() };
    const r = result;
    log(
      `  round ${round} ${GATEWAY_LABELS[id].padEnd(16)} subscriptions=${r.subscribers} events=${r.events} delivered=${r.delivered}/${r.expected} ` +
        `missing=${r.missing} bad=${r.bad} p50=${r.p50Ms}ms p99=${r.p99Ms}ms max=${r.maxMs}ms ready=${r.readyMs}ms ` +
        `cpu=${sample.gatewayUsage.cpuPercent.toFixed(0)}% rss=${(sample.gatewayUsage.peakRssBytes / 1048576).toFixed(0)}MB ` +
        `subgraphs cpu=${sample.subgraphUsage.cpuPercent.toFixed(0)}%${r.firstFailure ? ` first failure: ${r.firstFailure}` : ''}`,
    );
    return sample;
  } finally {
    await gateway.stop();
  }
}

function describeSample(s: RoundSample): string {
  const errors =
    (s.load.errors ? ` errors=${s.load.errors} ${JSON.stringify(s.load.breakdown)}` : ' errors=0') +
    (s.load.unfinished ? ` unfinished=${s.load.unfinished}` : '');
  return (
    `  round ${s.round} ${GATEWAY_LABELS[s.gateway].padEnd(16)} ${s.workload.padEnd(9)} rps=${s.load.rps.toFixed(1)} ` +
    `p50=${s.load.p50Ms}ms p99=${s.load.p99Ms}ms${errors} cpu=${s.gatewayUsage.cpuPercent.toFixed(0)}% ` +
    `rss=${(s.gatewayUsage.peakRssBytes / 1048576).toFixed(0)}MB subgraphs cpu=${s.subgraphUsage.cpuPercent.toFixed(0)}% ` +
    `fetches/resp=${s.subgraphFetchesPerResponse.toFixed(1)}`
  );
}

/**
 * Compiles the gateways the bench runs (test/bench/tsconfig.json), every run: what is measured is
 * the source as it is now, compiled as `npm run build` compiles it.
 */
function buildGateways(): void {
  log(`building the gateways into ${BUILD_FOLDER} (tsc -p test/bench/tsconfig.json)…`);
  const build = spawnSync(process.execPath, [join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'test/bench/tsconfig.json'], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (build.status !== 0) throw new Error('tsc -p test/bench/tsconfig.json failed: the bench measures only code that compiles');
}

async function main(): Promise<void> {
  const options = parseBenchArgs(process.argv.slice(2));
  buildGateways();
  const folder = mkdtempSync(join(tmpdir(), 'switchyard-bench-'));
  const machine = { nproc: availableParallelism(), cpu: cpus()[0]?.model ?? 'unknown', node: process.version, date: new Date().toISOString() };
  log(
    `switchyard bench: ${JSON.stringify(options)} (B/C config ${SWITCHYARD_CONFIG}, node ${SWITCHYARD_NODE_FLAGS.join(' ')})\nmachine: ${JSON.stringify(machine)}\nlogs: ${folder}`,
  );

  const subgraphs = await spawnServer<{ urls: Record<string, string> }>({
    script: 'test/bench/subgraphs-process.ts',
    logFile: join(folder, 'subgraphs.log'),
    readyMessage: 'ready',
  });
  const onSignal = (): void => void stopAllServers().then(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const composed = await createComposedSupergraphSource({ configPath: writeSupergraphYaml(subgraphs.ready.urls, folder), env: {} }).load();
    const supergraphPath = join(folder, 'supergraph.graphql');
    writeFileSync(supergraphPath, composed.supergraphSdl);
    const secret = process.env.SWITCHYARD_JWT_SECRET || DEFAULT_BENCH_SECRET;
    const setup: Setup = { options, folder, supergraphPath, secret, tokens: [], subgraphs };
    // Minting (CPU in this process) overlaps gateway A's start-up (CPU in its own).
    const [tokens, { reference, gateway: firstA }] = await Promise.all([mintTokens(secret), takeReference(setup)]);
    setup.tokens = tokens;
    let reusableA: RunningGateway | undefined = options.only[0] === 'A' && !options.subscriptionsOnly ? firstA : undefined;
    if (!reusableA) await firstA.stop();
    log(`reference (gateway A): ${(reference.bytes / 1024).toFixed(1)} KB, ${reference.fetches} subgraph fetches per query`);

    const samples: RoundSample[] = [];
    for (let round = 1; round <= options.rounds && !options.subscriptionsOnly; round++) {
      for (const id of options.only) {
        samples.push(...(await runSession(id, round, setup, reference, id === 'A' ? reusableA : undefined)));
        if (id === 'A') reusableA = undefined;
      }
    }

    // Subscriptions: B, C and H (A refuses them), alternated like the query workloads.
    const subscriptionSamples: SubscriptionSample[] = [];
    const subscribing = options.subscribers > 0 ? options.only.filter((id) => id !== 'A') : [];
    if (subscribing.length)
      log(`subscriptions: ${options.subscribers} subscribers, ${options.eventsPerSecond} events/s for ${options.durationSeconds} s`);
    for (let round = 1; round <= options.rounds && subscribing.length; round++) {
      for (const id of subscribing) subscriptionSamples.push(await runSubscriptionSession(id, round, setup));
    }

    // Compression: B again, the same load with and without Accept-Encoding (bytes and CPU).
    let compression: CompressionSample[] | undefined;
    if (options.only.includes('B') && !options.subscriptionsOnly) {
      const gateway = await startGateway('B', setup, 0);
      try {
        if (options.warmupSeconds > 0) {
          await runLoad({
            url: gateway.url,
            body: HEAVY_QUERY_BODY,
            connections: options.connections,
            reference,
            durationSeconds: options.warmupSeconds,
            tokens,
          });
        }
        compression = [];
        for (const acceptEncoding of [undefined, 'br, gzip']) {
          compression.push(
            await runCompressionPhase({
              url: gateway.url,
              body: HEAVY_QUERY_BODY,
              connections: options.connections,
              durationSeconds: options.durationSeconds,
              reference,
              gatewayPid: gateway.pid,
              tokens,
              acceptEncoding,
            }),
          );
        }
        log(`  ${compressionLine(compression)}`);
      } finally {
        await gateway.stop();
      }
    }

    const rows = summarize(samples);
    const table = formatTable(rows);
    const ratio = ratioLine(rows);
    const subscriptionRows = summarizeSubscriptions(subscriptionSamples, options.eventsPerSecond);
    const subscriptionReport = subscriptionRows.length
      ? `${formatSubscriptionTable(subscriptionRows)}\n\n${subscriptionRatioLine(subscriptionRows)}\n\n`
      : '';
    if (options.jsonPath) {
      const { text: _text, parsed: _parsed, ...referenceInfo } = reference;
      writeFileSync(
        options.jsonPath,
        JSON.stringify(
          {
            machine,
            options,
            reference: referenceInfo,
            summary: rows,
            samples,
            subscriptions: { summary: subscriptionRows, samples: subscriptionSamples },
            compression,
            ratio,
          },
          null,
          2,
        ),
      );
      log(`wrote ${options.jsonPath}`);
    }
    const queryReport = options.subscriptionsOnly ? '' : `${table}\n\n`;
    const tail = options.subscriptionsOnly ? '' : `${compression ? `${compressionLine(compression)}\n` : ''}${ratio}\n`;
    process.stdout.write(`\n${queryReport}${subscriptionReport}${tail}`);
  } finally {
    await stopAllServers();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
