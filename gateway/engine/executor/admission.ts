import { performance, type EventLoopUtilization } from 'node:perf_hooks';

/** How often waiters are looked at again with nothing finishing (the gate may have opened): one monitor sample. */
const RECHECK_MS = 100;

/**
 * server.executionConcurrency: while the event loop is saturated, at most `limit` plan executions
 * run at once and the others wait in arrival order. A CPU-bound gateway that starts every request
 * at once shares the CPU among all of them, so each lives as long as the slowest, and its subgraph
 * answers outlive the young generation (promoted, then marked and compacted); running a few at a
 * time ends each sooner and lets its data die young. Measured on the benchmark's heavy query: the
 * same throughput without the 64 MB young generation, peak RSS ~470 → ~360 MB, p99 down by a third.
 *
 * It never throttles an I/O-bound gateway: with the event loop below `busyAbove` every execution
 * starts at once (still counted). Nor can it starve one: slots held by executions that wait on
 * subgraphs leave the CPU idle, utilisation falls below `busyAbove` within a sample, and the gate
 * opens. An execution that has run `releaseAfterMs` — waiting on a slow subgraph, say — stops
 * counting, so the others are not kept waiting behind it. 500 ms by default: at 100 ms, on a slow day
 * of the benchmark box, the 8 executions themselves took ~100 ms and the gate kept letting more in
 * (peak RSS 383–386 MB against 330–350 at 300 or 1000 ms). One timer for the whole gate, none per request.
 */
export interface ExecutionAdmission {
  /** Runs `work` once admitted. A caller whose signal aborts while waiting runs at once: its fetches see the signal. */
  run<T>(work: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  readonly active: number;
  readonly waiting: number;
}

export interface ExecutionAdmissionOptions {
  limit: number;
  releaseAfterMs: number;
  /** Whether the limit applies now (the event loop is saturated). */
  saturated: () => boolean;
  /** Called once for each execution that had to wait (switchyard_executions_queued_total). */
  onQueued?: () => void;
  now?: () => number;
}

interface Admitted {
  started: number;
}

export function createExecutionAdmission(options: ExecutionAdmissionOptions): ExecutionAdmission {
  const { limit, releaseAfterMs, saturated, onQueued } = options;
  // Monotonic: a wall clock stepping back would stretch the next expiry by the step.
  const now = options.now ?? (() => performance.now());
  // Insertion-ordered: the first admitted is the oldest.
  const admitted = new Set<Admitted>();
  const waiters = new Set<(entry: Admitted) => void>();
  let timer: NodeJS.Timeout | undefined;

  /** Stops counting the executions that have run `releaseAfterMs`. */
  function expire(): void {
    const cutoff = now() - releaseAfterMs;
    for (const entry of admitted) {
      if (entry.started > cutoff) break;
      admitted.delete(entry);
    }
  }

  function take(): Admitted {
    const entry: Admitted = { started: now() };
    admitted.add(entry);
    return entry;
  }

  function wakeWaiters(): void {
    // The gate opens for everyone waiting when the event loop is no longer saturated.
    const open = !saturated();
    while (waiters.size > 0 && (open || admitted.size < limit)) {
      const [wake] = waiters;
      waiters.delete(wake!);
      // The slot is taken now, not when the woken caller's continuation runs.
      wake!(take());
    }
    scheduleExpiry();
  }

  function scheduleExpiry(): void {
    if (timer || waiters.size === 0) return;
    const [oldest] = admitted;
    // The next expiry, or the next sample when sooner: waiters go in once the loop is no longer saturated
    // even if nothing finishes (all slots waiting on a slow subgraph, say).
    const due = Math.min(RECHECK_MS, oldest ? oldest.started + releaseAfterMs - now() : releaseAfterMs);
    timer = setTimeout(
      () => {
        timer = undefined;
        expire();
        wakeWaiters();
      },
      Math.max(1, due),
    );
    timer.unref();
  }

  async function runAdmitted<T>(entry: Admitted, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } finally {
      if (admitted.delete(entry) && waiters.size > 0) wakeWaiters();
    }
  }

  return {
    get active() {
      return admitted.size;
    },
    get waiting() {
      return waiters.size;
    },
    run(work, signal) {
      if (waiters.size > 0 && !saturated()) wakeWaiters();
      if (waiters.size === 0) {
        if (admitted.size >= limit) expire();
        if (admitted.size < limit || !saturated()) return runAdmitted(take(), work);
      }
      if (signal?.aborted) return work();
      onQueued?.();
      return new Promise<Admitted | undefined>((resolve) => {
        const onAbort = () => {
          // Waited out its deadline or its client: it runs uncounted, and its fetches fail on the signal.
          if (waiters.delete(wake)) resolve(undefined);
        };
        const wake = (entry: Admitted) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(entry);
        };
        waiters.add(wake);
        signal?.addEventListener('abort', onAbort, { once: true });
        scheduleExpiry();
      }).then((entry) => (entry ? runAdmitted(entry, work) : work()));
    },
  };
}

/**
 * Event loop utilisation over the last `intervalMs` (Node's `performance.eventLoopUtilization`):
 * `saturated()` is true while it is at or above `busyAbove`. One unref'd interval per process.
 */
export function createEventLoopMonitor(busyAbove: number, intervalMs = 100): { saturated: () => boolean; stop: () => void } {
  let last: EventLoopUtilization = performance.eventLoopUtilization();
  let busy = false;
  const interval = setInterval(() => {
    const current = performance.eventLoopUtilization();
    busy = performance.eventLoopUtilization(current, last).utilization >= busyAbove;
    last = current;
  }, intervalMs);
  interval.unref();
  return { saturated: () => busy, stop: () => clearInterval(interval) };
}

/** server.executionConcurrency as configured: its gate and the monitor behind it, or none (limit 0). */
export function createExecutionGate(
  config: { limit: number; busyAbove: number; releaseAfterMs: number },
  onQueued?: () => void,
): { run: ExecutionAdmission['run']; stop(): void } | undefined {
  if (config.limit <= 0) return undefined;
  // busyAbove 0: the limit always applies (no monitor needed).
  const monitor = config.busyAbove > 0 ? createEventLoopMonitor(config.busyAbove) : undefined;
  const admission = createExecutionAdmission({ ...config, saturated: monitor?.saturated ?? (() => true), onQueued });
  return { run: (work, signal) => admission.run(work, signal), stop: () => monitor?.stop() };
}
