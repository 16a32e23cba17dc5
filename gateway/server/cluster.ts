import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import type { Logger } from '../observability/index.js';
import { DEFAULT_RESTART_DELAY_MS, decideWorkerExit } from './restart-policy.js';

/** The message a worker sends its primary once it listens and has a supergraph. */
export const WORKER_READY_MESSAGE = 'switchyard:worker-ready';
/** The message a primary sends a worker to stop gracefully (a message, not a signal: see `onStopRequest`). */
export const WORKER_STOP_MESSAGE = 'switchyard:worker-stop';
export { DEFAULT_RESTART_DELAY_MS } from './restart-policy.js';
/** Extra time past the shutdown grace before lingering workers are killed. */
const STOP_MARGIN_MS = 5_000;

/** `auto` → one worker per CPU the process may use (`os.availableParallelism()`). */
export function resolveWorkerCount(workers: number | 'auto', cpus: number = availableParallelism()): number {
  return workers === 'auto' ? Math.max(1, cpus) : workers;
}

export interface WorkerReadyMessage {
  type: typeof WORKER_READY_MESSAGE;
  url: string;
}

/** Called by a worker after `listen` and `start`; a no-op outside a cluster. */
export function announceWorkerReady(url: string): void {
  if (cluster.isWorker) process.send?.({ type: WORKER_READY_MESSAGE, url } satisfies WorkerReadyMessage);
}

/**
 * Calls `stop` when the primary asks this worker to stop, or when the primary is gone (a worker must not
 * outlive it holding the port). A no-op outside a cluster.
 */
export function onStopRequest(stop: (reason: string) => void): void {
  if (!cluster.isWorker) return;
  process.on('message', (message: { type?: string } | null) => {
    if (message?.type === WORKER_STOP_MESSAGE) stop('primary stop');
  });
  process.on('disconnect', () => stop('primary gone'));
}

export interface StartPrimaryOptions {
  workers: number;
  logger: Logger;
  /** Workers get this long (their `server.shutdownGraceMs`) plus a margin to stop before being killed. */
  shutdownGraceMs: number;
  restartDelayMs?: number;
  /** Once every first-generation worker is ready (the url they listen on). */
  onReady?(url: string): void;
}

export interface ClusterPrimary {
  /** Resolves with the exit code the primary should use: 0 when every worker stopped cleanly. */
  readonly done: Promise<number>;
  /** Asks every worker to stop gracefully (they finish in-flight requests), then resolves `done`. */
  stop(reason: string): void;
}

/**
 * Forks `workers` processes that each build the gateway and listen on the same port (node:cluster
 * shares the listening socket). Until every first worker is ready, a worker dying unready means the
 * start failed (port in use, bad supergraph), so all stop with 1. Afterwards dead workers are replaced,
 * with backoff for replacements that fail to start and a crash-loop limit (see `decideWorkerExit`).
 */
export function startPrimary(options: StartPrimaryOptions): ClusterPrimary {
  const { workers, logger, shutdownGraceMs, restartDelayMs = DEFAULT_RESTART_DELAY_MS } = options;
  const ready = new Set<Worker>();
  const live = new Set<Worker>();
  let announced = false;
  let stopping = false;
  let exitCode = 0;
  let failedStarts: number[] = [];
  let resolveDone!: (code: number) => void;
  const done = new Promise<number>((resolve) => (resolveDone = resolve));

  function finishIfIdle(): void {
    if (stopping && live.size === 0) resolveDone(exitCode);
  }

  function fork(): void {
    const worker = cluster.fork();
    live.add(worker);
    worker.on('message', (message: Partial<WorkerReadyMessage>) => {
      if (message?.type !== WORKER_READY_MESSAGE) return;
      ready.add(worker);
      logger.info({ workerPid: worker.process.pid, url: message.url }, 'worker ready');
      if (!announced && ready.size === workers) {
        announced = true;
        options.onReady?.(message.url as string);
      }
    });
    worker.on('exit', (code, signal) => {
      live.delete(worker);
      const wasReady = ready.delete(worker);
      if (stopping) {
        if (code !== 0) exitCode = 1;
        return finishIfIdle();
      }
      const decision = decideWorkerExit({ announced, wasReady, failedStarts, now: Date.now(), restartDelayMs });
      const facts = { workerPid: worker.process.pid, code, signal };
      if (decision.action === 'fail-start') {
        logger.error(facts, 'worker failed to start; stopping');
        exitCode = 1;
        return stop('worker start failure');
      }
      failedStarts = decision.failedStarts;
      if (decision.action === 'give-up') {
        logger.error({ ...facts, failedStarts: failedStarts.length }, 'replacement workers keep failing to start; stopping');
        exitCode = 1;
        return stop('worker crash loop');
      }
      logger.error({ ...facts, delayMs: decision.delayMs }, 'worker died; starting a replacement');
      setTimeout(() => {
        if (!stopping) fork();
      }, decision.delayMs).unref();
    });
  }

  function stop(reason: string): void {
    if (stopping) return;
    stopping = true;
    logger.info({ reason, workers: live.size }, 'stopping workers');
    for (const worker of live) worker.send({ type: WORKER_STOP_MESSAGE });
    setTimeout(() => {
      for (const worker of live) worker.process.kill('SIGKILL');
    }, shutdownGraceMs + STOP_MARGIN_MS).unref();
    finishIfIdle();
  }

  for (let i = 0; i < workers; i++) fork();
  return { done, stop };
}
