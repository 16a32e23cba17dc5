import { spawn, type ChildProcess } from 'node:child_process';
import { NODE_TS_ARGS, REPO_ROOT } from './gateway.js';

export interface GatewayProcess {
  child: ChildProcess;
  /** Everything the process wrote so far (stdout and stderr). */
  output(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** Pids of cluster workers that logged "worker ready", in order. */
  readyWorkerPids(): number[];
  /** SIGKILL if still running (for the close stack). */
  kill(): Promise<void>;
}

/** Starts `gateway/cli/main.ts` as its own process (as `npm run gateway` does), capturing its output. */
export function spawnGatewayProcess(args: readonly string[], env: Record<string, string>): GatewayProcess {
  const child = spawn(process.execPath, [...NODE_TS_ARGS, 'gateway/cli/main.ts', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    exited,
    readyWorkerPids: () =>
      output.split('\n').flatMap((line) => {
        const match = /"workerPid":(\d+).*"msg":"worker ready"/.exec(line);
        return match ? [Number(match[1])] : [];
      }),
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
