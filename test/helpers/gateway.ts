import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig, type GatewayConfigInput } from '../../gateway/config/index.js';
import type { GatewayPlugin } from '../../gateway/plugins/plugin.js';
import { createLogger } from '../../gateway/observability/index.js';
import { createGateway, listen, type Gateway } from '../../gateway/server/index.js';
import type { SupergraphSource } from '../../gateway/supergraph/index.js';

export const REPO_ROOT = resolve(new URL('../..', import.meta.url).pathname);
/**
 * Arguments that run a TypeScript entry point with Node itself (tsx's loader). Tests that signal a
 * process use this, not the tsx CLI: the CLI relays signals through a 30 ms handshake and SIGKILLs
 * its child when a busy machine misses it.
 */
export const NODE_TS_ARGS: readonly string[] = ['--import', 'tsx'];

export const SUBGRAPH_NAMES = ['accounts', 'products', 'inventory', 'reviews'] as const;

/** Writes a rover-format supergraph.yaml in a temp folder routing to `urls`, schemas from the repo. */
export function writeSupergraphYaml(urls: Record<string, string>, folder = mkdtempSync(join(tmpdir(), 'switchyard-'))): string {
  const lines = ['federation_version: =2.9.0', 'subgraphs:'];
  for (const [name, url] of Object.entries(urls)) {
    lines.push(`  ${name}:`, `    routing_url: ${url}`, '    schema:', `      file: ${join(REPO_ROOT, 'subgraphs', name, 'schema.graphql')}`);
  }
  const path = join(folder, 'supergraph.yaml');
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

/** A supergraph source that serves one fixed SDL (never changes). */
export function staticSupergraphSource(supergraphSdl: string): SupergraphSource {
  const loaded = { supergraphSdl, id: createHash('sha256').update(supergraphSdl).digest('hex'), hints: [] };
  return { load: async () => loaded, watch: () => () => undefined };
}

export interface StartedGateway {
  gateway: Gateway;
  url: string;
  /** Every log line the gateway wrote, parsed. */
  logs: Array<Record<string, any>>;
  close(): Promise<void>;
}

export interface StartGatewayOptions {
  /** Routing URLs by subgraph name (from `startSubgraphs().urls`); written into a temp supergraph.yaml. */
  subgraphUrls?: Record<string, string>;
  config?: GatewayConfigInput;
  env?: Record<string, string | undefined>;
  supergraphSource?: SupergraphSource;
  plugins?: GatewayPlugin[];
}

/** Builds and starts a real gateway on 127.0.0.1:0, capturing its JSON log lines. */
export async function startGateway(options: StartGatewayOptions = {}): Promise<StartedGateway> {
  const input: Record<string, any> = { ...options.config };
  input.server = { host: '127.0.0.1', port: 0, shutdownGraceMs: 2_000, ...input.server };
  input.logging = { level: 'debug', ...input.logging };
  if (options.subgraphUrls && !input.supergraph) {
    input.supergraph = { source: 'compose', configPath: writeSupergraphYaml(options.subgraphUrls), pollIntervalSeconds: 0 };
  }
  const config = loadConfig({ input, env: options.env ?? {} });
  const logs: Array<Record<string, any>> = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line) logs.push(JSON.parse(line));
      done();
    },
  });
  const logger = createLogger({ level: config.logging.level, destination });
  const gateway = createGateway({ config, logger, env: options.env, supergraphSource: options.supergraphSource, plugins: options.plugins });
  await gateway.start();
  const address = await listen(gateway, config.server.port, config.server.host);
  return { gateway, url: address.url, logs, close: () => gateway.stop() };
}

/**
 * Polls `check` until it returns true or `timeoutMs` passes (no fixed sleeps in tests). A check that
 * throws counts as "not yet" (a client still reconnecting, a server still starting); the last error
 * is reported if time runs out, with `detail()` (e.g. what a spawned process printed) when given.
 */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 5_000, what = 'condition', detail?: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  const cause = lastError ? ` (last error: ${(lastError as Error).message ?? String(lastError)})` : '';
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${cause}.${detail ? `\n${detail()}` : ''}`);
}
