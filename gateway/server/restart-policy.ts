/** First pause before replacing a worker that died; doubles per consecutive failed start. Default 500 ms. */
export const DEFAULT_RESTART_DELAY_MS = 500;
/** Ceiling of the doubling restart pause. Default 10 s. */
export const MAX_RESTART_DELAY_MS = 10_000;
/** More than this many failed replacement starts within `CRASH_LOOP_WINDOW_MS` is a crash loop. Default 5. */
export const CRASH_LOOP_MAX_FAILED_STARTS = 5;
/** Window for counting failed replacement starts. Default 60 s. */
export const CRASH_LOOP_WINDOW_MS = 60_000;

export interface WorkerExitFacts {
  /** Whether every first-generation worker has been ready once (the cluster was announced). */
  announced: boolean;
  /** Whether the worker that exited had reported ready. */
  wasReady: boolean;
  /** When replacement starts failed before (ms timestamps, oldest first); the caller keeps this list. */
  failedStarts: readonly number[];
  now: number;
  restartDelayMs?: number;
}

export type WorkerExitDecision =
  { action: 'fail-start' } | { action: 'replace'; delayMs: number; failedStarts: number[] } | { action: 'give-up'; failedStarts: number[] };

/**
 * What the primary does when a worker exits while not stopping. Before the cluster was announced, a
 * worker that dies unready means the start failed (port in use, bad supergraph): fail fast. After
 * that, a dying worker is replaced; a replacement that dies unready counts as a failed start and
 * backs the next try off (500 ms doubling to 10 s); more than 5 failed starts in 60 s → give up.
 */
export function decideWorkerExit(facts: WorkerExitFacts): WorkerExitDecision {
  const base = facts.restartDelayMs ?? DEFAULT_RESTART_DELAY_MS;
  if (!facts.announced && !facts.wasReady) return { action: 'fail-start' };
  const recent = facts.failedStarts.filter((at) => facts.now - at < CRASH_LOOP_WINDOW_MS);
  if (facts.wasReady) return { action: 'replace', delayMs: base, failedStarts: recent };
  recent.push(facts.now);
  if (recent.length > CRASH_LOOP_MAX_FAILED_STARTS) return { action: 'give-up', failedStarts: recent };
  const delayMs = Math.min(MAX_RESTART_DELAY_MS, base * 2 ** (recent.length - 1));
  return { action: 'replace', delayMs, failedStarts: recent };
}
