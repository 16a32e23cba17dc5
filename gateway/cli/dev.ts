import { spawn, type ChildProcess } from 'node:child_process';
import { watch } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GATEWAY_NODE_FLAGS } from './node-flags.js';
import { DEV_JWT_SECRET, DEV_SUBGRAPH_SECRET } from './dev-secrets.js';

/**
 * `npm start`: the four example subgraphs and the gateway as child processes. One Ctrl-C stops
 * both. The gateway composes from the schema files and recomposes when one changes; the subgraphs
 * process is restarted when a file under subgraphs/ changes, so a schema and resolver edit is live
 * in the whole graph within seconds. Logs are pretty-printed on a terminal, JSON lines otherwise.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
// Node with tsx's loader, not the tsx CLI: the CLI is a wrapper process that SIGKILLs its child
// when the child does not acknowledge a relayed signal within 30 ms (a busy machine), which would
// skip the gateway's graceful shutdown.
const TS_LOADER = ['--import', 'tsx'];
/** Edits arrive as bursts of events (save, rename, touch): one restart per burst. */
const RESTART_DEBOUNCE_MS = 300;
const WATCHED = /\.(ts|graphql|json)$/;
/** `npm start` lets pages on any localhost port call the gateway (SWITCHYARD_CORS_ORIGINS overrides). */
const DEV_CORS_ORIGINS = '/^https?:\\/\\/(localhost|127\\.0\\.0\\.1|\\[::1\\])(:\\d+)?$/';

/** pino-pretty (a dev dependency) when stdout is a terminal; JSON lines when it is a pipe or a file. */
const pretty = process.stdout.isTTY ? (await import('pino-pretty')).default : undefined;

interface Managed {
  script: string;
  env: NodeJS.ProcessEnv;
  nodeFlags: readonly string[];
  child?: ChildProcess;
  /** Set while a restart waits for the old process to exit. */
  restarting?: boolean;
}
const managed: Managed[] = [];

function start(entry: Managed): void {
  const child = spawn(process.execPath, [...entry.nodeFlags, ...TS_LOADER, entry.script, ...process.argv.slice(2)], {
    cwd: root,
    env: entry.env,
    stdio: ['inherit', pretty ? 'pipe' : 'inherit', 'inherit'],
  });
  // One pretty stream per child: lines of two processes never interleave mid-line.
  if (pretty) child.stdout!.pipe(pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' }));
  entry.child = child;
  child.on('exit', (code, signal) => {
    if (entry.restarting) {
      entry.restarting = false;
      if (!stopping) start(entry);
      return;
    }
    if (!stopping) {
      process.stderr.write(`${entry.script} exited (${signal ?? code}); stopping the rest.\n`);
      stop(code ?? 1);
    }
  });
}

function run(script: string, env: NodeJS.ProcessEnv, nodeFlags: readonly string[] = []): Managed {
  const entry: Managed = { script, env, nodeFlags };
  managed.push(entry);
  start(entry);
  return entry;
}

function restart(entry: Managed, why: string): void {
  const child = entry.child;
  if (stopping || entry.restarting || !child || child.exitCode !== null || child.signalCode !== null) return;
  process.stderr.write(`${why}: restarting ${entry.script}\n`);
  entry.restarting = true;
  child.kill('SIGTERM');
}

let stopping = false;
function stop(exitCode: number): void {
  if (stopping) return;
  stopping = true;
  let remaining = managed.map((entry) => entry.child!).filter((c) => c.exitCode === null && c.signalCode === null);
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
const subgraphs = run('subgraphs/main.ts', { ...process.env, SWITCHYARD_SUBGRAPH_SECRET: subgraphSecret });
run(
  'gateway/cli/main.ts',
  {
    ...process.env,
    NODE_ENV: process.env.NODE_ENV ?? 'development',
    SWITCHYARD_JWT_SECRET: process.env.SWITCHYARD_JWT_SECRET || DEV_JWT_SECRET,
    // Browser apps served by a local dev server (any port on localhost) may call it.
    SWITCHYARD_CORS_ORIGINS: process.env.SWITCHYARD_CORS_ORIGINS ?? DEV_CORS_ORIGINS,
    SWITCHYARD_SUBGRAPH_SECRET: subgraphSecret,
  },
  GATEWAY_NODE_FLAGS,
);

// A schema or resolver edit: the subgraphs restart with it (the gateway recomposes on its own).
const subgraphsFolder = join(root, 'subgraphs');
let pendingRestart: NodeJS.Timeout | undefined;
let changed = '';
watch(subgraphsFolder, { recursive: true }, (_event, filename) => {
  if (!filename || !WATCHED.test(filename)) return;
  changed = relative(root, join(subgraphsFolder, filename));
  clearTimeout(pendingRestart);
  pendingRestart = setTimeout(() => restart(subgraphs, `${changed} changed`), RESTART_DEBOUNCE_MS);
}).unref();

process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
