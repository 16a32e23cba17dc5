import { spawn, type ChildProcess } from 'node:child_process';
import { GATEWAY_NODE_FLAGS } from './node-flags.js';
import { fileURLToPath } from 'node:url';
import { DEV_JWT_SECRET, DEV_SUBGRAPH_SECRET } from './dev-secrets.js';

/**
 * `npm start`: the four example subgraphs and the gateway as two child processes. One Ctrl-C stops
 * both. The gateway composes from the schema files, so it does not wait for the subgraphs.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
// Node with tsx's loader, not the tsx CLI: the CLI is a wrapper process that SIGKILLs its child
// when the child does not acknowledge a relayed signal within 30 ms (a busy machine), which would
// skip the gateway's graceful shutdown.
const TS_LOADER = ['--import', 'tsx'];

const children: ChildProcess[] = [];
/** `npm start` lets pages on any localhost port call the gateway (SWITCHYARD_CORS_ORIGINS overrides). */
const DEV_CORS_ORIGINS = '/^https?:\\/\\/(localhost|127\\.0\\.0\\.1|\\[::1\\])(:\\d+)?$/';

function run(script: string, env: NodeJS.ProcessEnv, nodeFlags: readonly string[] = []): ChildProcess {
  const child = spawn(process.execPath, [...nodeFlags, ...TS_LOADER, script, ...process.argv.slice(2)], { cwd: root, env, stdio: 'inherit' });
  children.push(child);
  child.on('exit', (code, signal) => {
    if (!stopping) {
      process.stderr.write(`${script} exited (${signal ?? code}); stopping the rest.\n`);
      stop(code ?? 1);
    }
  });
  return child;
}

let stopping = false;
function stop(exitCode: number): void {
  if (stopping) return;
  stopping = true;
  let remaining = children.filter((c) => c.exitCode === null && c.signalCode === null);
  if (remaining.length === 0) process.exit(exitCode);
  for (const child of remaining) {
    child.once('exit', () => {
      remaining = remaining.filter((c) => c !== child);
      if (remaining.length === 0) process.exit(exitCode);
    });
    child.kill('SIGTERM');
  }
}

// Auth runs in optional mode with development secrets (dev-secrets.ts), unless the environment sets
// real ones: `npm run token` mints tokens for the same secret, and the subgraphs check signatures.
const subgraphSecret = process.env.SWITCHYARD_SUBGRAPH_SECRET || DEV_SUBGRAPH_SECRET;
run('subgraphs/main.ts', { ...process.env, SWITCHYARD_SUBGRAPH_SECRET: subgraphSecret });
run(
  'gateway/cli/main.ts',
  {
    ...process.env,
    NODE_ENV: process.env.NODE_ENV ?? 'development',
    SWITCHYARD_JWT_SECRET: process.env.SWITCHYARD_JWT_SECRET || DEV_JWT_SECRET,
    // Browser apps served by a local dev server (any port on localhost) may call the gateway.
    SWITCHYARD_CORS_ORIGINS: process.env.SWITCHYARD_CORS_ORIGINS ?? DEV_CORS_ORIGINS,
    SWITCHYARD_SUBGRAPH_SECRET: subgraphSecret,
  },
  GATEWAY_NODE_FLAGS,
);
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
