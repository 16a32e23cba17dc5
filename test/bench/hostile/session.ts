// One class on one gateway: a fresh process, a short warm-up, then the class's shapes one after another
// while the probe runs and the gateway's RSS is sampled.
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { GatewayId } from '../args.js';
import { sampleUsage } from '../proc-sampler.js';
import type { HostileClass } from './cases.js';
import { processState, startGateway, stopGateway } from './gateways.js';
import { sendAll, type SendResult } from './http-send.js';

/** Source addresses on the loopback: B limits per client IP, and the probe and warm-up are other clients. */
const PROBE_ADDRESS = '127.0.0.2';
const WARMUP_ADDRESS = '127.0.0.3';
export const PROBE_INTERVAL_MS = 20;
/** Probe before and after the hostile requests, so a stall right at either end is seen. */
const PROBE_LEAD_MS = 200;
const PROBE_TAIL_MS = 300;
const RSS_SAMPLE_MS = 100;

export interface ShapeResult {
  shape: string;
  requests: number;
  /** By status (`200`, `429`, `timeout`, `ECONNRESET`, …). */
  outcomes: Record<string, number>;
  /** By status and first error code (`400 BAD_REQUEST`, `200 data`). */
  answers: Record<string, number>;
  latenciesMs: number[];
  maxBytes: number;
}

export interface ProbeResult {
  latencies: number[];
  outcomes: Record<string, number>;
}

export interface ClassSample {
  gateway: GatewayId;
  className: string;
  round: number;
  shapes: ShapeResult[];
  probe: ProbeResult;
  rssBaselineBytes: number;
  rssPeakBytes: number;
  /** `alive`, or how the gateway died during the class. */
  process: string;
}

export interface SessionContext {
  supergraphPath: string;
  folder: string;
  probe: ChildProcess;
  quick: boolean;
}

const count = (into: Record<string, number>, key: string): void => void (into[key] = (into[key] ?? 0) + 1);

function summarizeShape(shape: string, results: SendResult[]): ShapeResult {
  const outcomes: Record<string, number> = {};
  const answers: Record<string, number> = {};
  for (const r of results) {
    count(outcomes, r.outcome);
    count(answers, r.code ? `${r.outcome} ${r.code}` : r.outcome);
  }
  return {
    shape,
    requests: results.length,
    outcomes,
    answers,
    latenciesMs: results.map((r) => r.latencyMs),
    maxBytes: Math.max(0, ...results.map((r) => r.bytes)),
  };
}

function askProbe(probe: ChildProcess, message: object, reply?: string): Promise<ProbeResult | undefined> {
  if (!reply) {
    probe.send(message);
    return Promise.resolve(undefined);
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('probe process did not answer')), 10_000);
    const onMessage = (answer: ProbeResult & { type?: string }): void => {
      if (answer?.type !== reply) return;
      clearTimeout(timer);
      probe.off('message', onMessage);
      resolve({ latencies: answer.latencies, outcomes: answer.outcomes });
    };
    probe.on('message', onMessage);
    probe.send(message);
  });
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs every shape of `hostileClass` against a fresh gateway `id`, then stops it. */
export async function runClassSession(context: SessionContext, id: GatewayId, hostileClass: HostileClass, round: number): Promise<ClassSample> {
  const logFile = join(context.folder, `gateway-${id}-${hostileClass.name}-round-${round}.log`);
  const gateway = await startGateway(id, context.supergraphPath, logFile);
  try {
    // The first requests load plans and lazy modules: that growth is start-up, not the class's.
    const warm = await sendAll(
      4,
      2,
      (i) => ({ body: JSON.stringify({ query: i % 2 ? '{ __typename }' : '{ topProducts(first: 1) { upc name } }' }) }),
      {
        url: gateway.url,
        localAddress: WARMUP_ADDRESS,
      },
    );
    const badWarmUp = warm.find((r) => r.outcome !== '200');
    if (badWarmUp) throw new Error(`gateway ${id} warm-up answered ${badWarmUp.outcome} (${badWarmUp.code ?? ''}); see ${logFile}`);
    const rssBaselineBytes = sampleUsage(gateway.pid).stop().peakRssBytes;
    const sampler = sampleUsage(gateway.pid, RSS_SAMPLE_MS);
    await askProbe(context.probe, { type: 'start', url: gateway.url, intervalMs: PROBE_INTERVAL_MS, localAddress: PROBE_ADDRESS });
    await delay(PROBE_LEAD_MS);
    const shapes: ShapeResult[] = [];
    for (const shape of hostileClass.shapes) {
      const results = await sendAll(context.quick ? shape.quickCount : shape.count, hostileClass.concurrency, shape.make, { url: gateway.url });
      shapes.push(summarizeShape(shape.name, results));
    }
    await delay(PROBE_TAIL_MS);
    const probe = (await askProbe(context.probe, { type: 'stop' }, 'result'))!;
    const usage = sampler.stop();
    return {
      gateway: id,
      className: hostileClass.name,
      round,
      shapes,
      probe,
      rssBaselineBytes,
      rssPeakBytes: usage.peakRssBytes,
      process: processState(gateway),
    };
  } finally {
    await stopGateway(gateway);
  }
}
