// Child process for the hostile benchmark: the liveness probe, in its own event loop so that the runner
// building or reading hostile traffic cannot delay (or hide) a probe. Open loop: a `{ __typename }` POST
// is due every interval whether or not the last one came back, and latency counts from when it was due,
// so a gateway that freezes for 5 s shows 5 s of slow probes rather than one (coordinated omission).
// IPC: `start` {url, intervalMs, localAddress} → probing; `stop` → `result` {latencies, outcomes}.
import { createAgent, send } from './http-send.js';

const PROBE_BODY = JSON.stringify({ query: '{ __typename }' });
/** Probes still unanswered at stop count with the time they waited so far, as `unanswered`. */
const UNANSWERED = 'unanswered';
const STOP_GRACE_MS = 1_000;

interface StartMessage {
  type: 'start';
  url: string;
  intervalMs: number;
  localAddress?: string;
}

interface Session {
  stop(): Promise<void>;
}

let session: Session | undefined;

function start(message: StartMessage): Session {
  const agent = createAgent(64);
  const latencies: number[] = [];
  const outcomes: Record<string, number> = {};
  const pending = new Set<number>();
  const origin = performance.now();
  let fired = 0;
  const tick = (): void => {
    // Due times are fixed on a grid, so a late timer (a busy machine) still fires the probes it owes.
    while (origin + fired * message.intervalMs <= performance.now()) {
      const due = origin + fired++ * message.intervalMs;
      pending.add(due);
      void send({ body: PROBE_BODY }, { url: message.url, agent, localAddress: message.localAddress, startedAt: due }).then((result) => {
        if (!pending.delete(due)) return;
        latencies.push(result.latencyMs);
        outcomes[result.outcome] = (outcomes[result.outcome] ?? 0) + 1;
      });
    }
  };
  tick();
  const timer = setInterval(tick, Math.max(1, message.intervalMs / 2));
  return {
    async stop() {
      clearInterval(timer);
      // The last probes were sent a few ms ago: give them a moment, so only real stalls count as unanswered.
      const deadline = performance.now() + STOP_GRACE_MS;
      while (pending.size && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
      const now = performance.now();
      for (const due of pending) {
        latencies.push(now - due);
        outcomes[UNANSWERED] = (outcomes[UNANSWERED] ?? 0) + 1;
      }
      pending.clear();
      agent.destroy();
      process.send?.({ type: 'result', latencies, outcomes });
    },
  };
}

process.on('message', (message: { type?: string }) => {
  if (message?.type === 'start') {
    void session?.stop();
    session = start(message as StartMessage);
  } else if (message?.type === 'stop') {
    if (session) void session.stop();
    else process.send?.({ type: 'result', latencies: [], outcomes: {} });
    session = undefined;
  }
});
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
process.send?.({ type: 'ready' });
