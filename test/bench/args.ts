import { parseArgs } from 'node:util';
import { DEFAULT_TOKEN_POOL_SIZE } from './tokens.js';

/** A: plain Apollo Gateway, B: Switchyard, C: Switchyard with a worker per core, H: Hive Gateway. */
export type GatewayId = 'A' | 'B' | 'C' | 'H';
export const GATEWAY_IDS: readonly GatewayId[] = ['A', 'B', 'C', 'H'];

/**
 * Defaults: 3 rounds × 4 gateways × (3 s warm-up + 2 workloads × 8 s), then the subscription workload
 * (B, C, H × 3 rounds, ~15 s each) ≈ 6–7 minutes on 2 cores.
 */
export const DEFAULT_BENCH_OPTIONS = {
  durationSeconds: 8,
  warmupSeconds: 3,
  connections: 50,
  rounds: 3,
  subscribers: 1000,
  eventsPerSecond: 1,
} as const;

export interface BenchOptions {
  durationSeconds: number;
  warmupSeconds: number;
  connections: number;
  rounds: number;
  only: GatewayId[];
  /** Only the subscription workload: no query rounds, no compression phase. */
  subscriptionsOnly: boolean;
  /** Concurrent subscriptions of the subscription workload; 0 skips it. */
  subscribers: number;
  /** Events published per second during the subscription workload (each goes to every subscriber). */
  eventsPerSecond: number;
  jsonPath?: string;
}

export const BENCH_USAGE =
  'Usage: npm run bench -- [--duration <s>] [--warmup <s>] [--connections <n>] [--rounds <n>] [--only <A|B|C|H>[,…]]\n' +
  '       [--subscribers <n, 0: none>] [--events-per-second <m>] [--subscriptions-only] [--json <file>]';

function positive(name: string, raw: string | undefined, fallback: number, integer: boolean): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  const ok = integer ? Number.isInteger(value) && value > 0 : Number.isFinite(value) && value >= 0;
  if (!ok) throw new Error(`--${name}: "${raw}" is not a ${integer ? 'positive integer' : 'number'}.\n${BENCH_USAGE}`);
  return value;
}

/** Parses `npm run bench` flags; a bad one throws with the usage line. */
export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      rounds: { type: 'string' },
      only: { type: 'string' },
      subscribers: { type: 'string' },
      'events-per-second': { type: 'string' },
      'subscriptions-only': { type: 'boolean' },
      json: { type: 'string' },
    },
    strict: true,
  });
  const only = values.only === undefined ? [...GATEWAY_IDS] : [...new Set(values.only.toUpperCase().replace(/[\s,]/g, '').split(''))];
  for (const id of only) {
    if (!GATEWAY_IDS.includes(id as GatewayId)) throw new Error(`--only: "${id}" is not one of A, B, C, H.\n${BENCH_USAGE}`);
  }
  const durationSeconds = positive('duration', values.duration, DEFAULT_BENCH_OPTIONS.durationSeconds, false);
  if (durationSeconds === 0) throw new Error(`--duration must be above 0.\n${BENCH_USAGE}`);
  const subscribers = values.subscribers === '0' ? 0 : positive('subscribers', values.subscribers, DEFAULT_BENCH_OPTIONS.subscribers, true);
  const eventsPerSecond = positive('events-per-second', values['events-per-second'], DEFAULT_BENCH_OPTIONS.eventsPerSecond, false);
  if (eventsPerSecond === 0) throw new Error(`--events-per-second must be above 0.\n${BENCH_USAGE}`);
  if (subscribers > DEFAULT_TOKEN_POOL_SIZE)
    throw new Error(`--subscribers: at most ${DEFAULT_TOKEN_POOL_SIZE} (one minted token each).\n${BENCH_USAGE}`);
  if (values['subscriptions-only'] && subscribers === 0)
    throw new Error(`--subscriptions-only with --subscribers 0 measures nothing.\n${BENCH_USAGE}`);
  return {
    durationSeconds,
    warmupSeconds: positive('warmup', values.warmup, DEFAULT_BENCH_OPTIONS.warmupSeconds, false),
    connections: positive('connections', values.connections, DEFAULT_BENCH_OPTIONS.connections, true),
    rounds: positive('rounds', values.rounds, DEFAULT_BENCH_OPTIONS.rounds, true),
    only: GATEWAY_IDS.filter((id) => only.includes(id)),
    subscriptionsOnly: values['subscriptions-only'] ?? false,
    subscribers,
    eventsPerSecond,
    jsonPath: values.json,
  };
}
