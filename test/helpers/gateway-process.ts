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

/**
 * Starts the compiled gateway (`node dist/gateway/cli/main.js`, no tsx) from `cwd` on a precomposed
 * supergraph, port 0, and resolves with its URL once it printed its banner; `stop()` sends SIGTERM
 * and waits for the exit.
 */
export async function startCompiledGateway(
  cwd: string,
  mainScript: string,
  supergraphPath: string,
  env: Record<string, string>,
): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [mainScript, '--supergraph', supergraphPath, '--port', '0', '--host', '127.0.0.1'], {
    cwd,
    env: { PATH: process.env.PATH, NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    child.kill('SIGTERM');
    await exited;
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let stderr = '';
      child.stderr!.on('data', (chunk) => {
        stderr += chunk;
        const match = /Switchyard gateway: (http:\/\/\S+)/.exec(stderr);
        if (match) resolve(match[1]!);
      });
      child.once('exit', (code) => reject(new Error(`exited with ${code}: ${stderr}`)));
    });
    return { url, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
