import { spawn, type ChildProcess } from 'node:child_process';
import { openSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/gateway.js';

/** Children run `node --import tsx <script>`: no tsx wrapper process, so the pid we sample is the server. */
const NODE_ARGS = ['--import', 'tsx'];
const STOP_TIMEOUT_MS = 15_000;

export interface Child {
  process: ChildProcess;
  pid: number;
  /** SIGTERM, then SIGKILL after a deadline; resolves once the process exited. */
  stop(): Promise<void>;
}

const running = new Set<Child>();

/** Stops every server child still running (the harness's SIGINT/SIGTERM path). */
export async function stopAllServers(): Promise<void> {
  await Promise.all([...running].map((child) => child.stop()));
}

export interface SpawnServerOptions {
  script: string;
  args?: string[];
  env?: Record<string, string>;
  /** stdout goes to this file (request logs); stderr is read for `readyPattern` and kept for errors. */
  logFile: string;
  /** Ready once stderr matches; the match is returned as `ready` (e.g. the URL a server bound on port 0). */
  readyPattern?: RegExp;
  /** Resolve on the first IPC message of this type instead of a stderr line; its payload is returned. */
  readyMessage?: string;
  /** Ready once this resolves true (polled every 200 ms): for servers that announce themselves on stdout. */
  readyProbe?: () => Promise<boolean>;
  readyTimeoutMs?: number;
  /** Node/V8 flags before the script (the gateway runs with GATEWAY_NODE_FLAGS, as `npm run gateway` does). */
  nodeArgs?: readonly string[];
  /** A compiled script runs without tsx's loader (which holds every transpiled source and source map). */
  compiled?: boolean;
}

/** Banners printed once a gateway serves, with the URL it bound (the gateways start on port 0). */
export const PLAIN_GATEWAY_READY = /ready at (http:\/\/\S+?)\/?\n/;
export const SWITCHYARD_READY = /Switchyard gateway: (http:\/\/\S+?)(?:\/graphql)?[\s(]/;

/** The GraphQL endpoint named by a banner matched with one of the patterns above. */
export function graphqlUrlFromBanner(match: RegExpExecArray): string {
  return `${new URL(match[1]!).origin}/graphql`;
}

/** Starts a server child process and waits until it says it is ready. */
export async function spawnServer<T = unknown>(options: SpawnServerOptions): Promise<Child & { ready: T }> {
  const out = openSync(options.logFile, 'a');
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), ...(options.compiled ? [] : NODE_ARGS), join(REPO_ROOT, options.script), ...(options.args ?? [])],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, NODE_ENV: 'production', ...options.env },
      stdio: ['ignore', out, 'pipe', 'ipc'],
    },
  );
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  };
  const handle: Child = { process: child, pid: child.pid!, stop };
  running.add(handle);
  child.once('exit', () => running.delete(handle));
  let settled = false;
  const ready = await new Promise<T>((resolveReady, reject) => {
    const timer = setTimeout(() => fail(new Error('not ready in time')), options.readyTimeoutMs ?? 60_000);
    function fail(error: Error): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void stop();
      reject(new Error(`${options.script}: ${error.message}\n${stderr.slice(-2000)}`));
    }
    child.once('exit', (code) => fail(new Error(`exited with ${code} before it was ready`)));
    child.on('message', (message: { type?: string }) => {
      if (!settled && options.readyMessage && message?.type === options.readyMessage) {
        settled = true;
        clearTimeout(timer);
        resolveReady(message as T);
      }
    });
    if (options.readyProbe) {
      const probe = options.readyProbe;
      const poll = (): void => {
        if (settled) return;
        probe().then(
          (ok) => {
            if (settled) return;
            if (!ok) return void setTimeout(poll, 200);
            settled = true;
            clearTimeout(timer);
            resolveReady(undefined as T);
          },
          () => void setTimeout(poll, 200),
        );
      };
      poll();
    }
    if (options.readyPattern) {
      child.stderr!.on('data', () => {
        const match = settled ? null : options.readyPattern!.exec(stderr);
        if (match) {
          settled = true;
          clearTimeout(timer);
          resolveReady(match as unknown as T);
        }
      });
    }
  });
  return { ...handle, ready };
}
