import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { loadConfig, readConfigFile, type GatewayConfigInput } from '../config/index.js';

export interface SchemaCliOptions {
  subgraph: string;
  schemaFile: string;
  sdl: string;
  supergraphConfig: string;
  /** From --redis-url, else the gateway config's `redis.url` (REDIS_URL). */
  redisUrl?: string;
  allowBreaking: boolean;
}

/** Thrown for bad command lines: the CLI prints the message and usage, exit code 2. */
export class UsageError extends Error {}

export const schemaCliUsage = (command: string) =>
  `Usage: npm run ${command} -- <subgraph> <schema-file> [--allow-breaking] [--supergraph-config supergraph.yaml] [--config gateway.yaml] [--redis-url redis://…]`;

/**
 * Parses `schema:check` / `schema:publish` arguments. Defaults come from the gateway's own config
 * (file + env), so the CLI checks against what the gateway composes.
 */
export async function parseSchemaCliArgs(argv: readonly string[], env: Record<string, string | undefined>): Promise<SchemaCliOptions> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        'allow-breaking': { type: 'boolean', default: false },
        'supergraph-config': { type: 'string' },
        config: { type: 'string' },
        'redis-url': { type: 'string' },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const [subgraph, schemaFile, ...extra] = parsed.positionals;
  if (!subgraph || !schemaFile || extra.length > 0) throw new UsageError('Expected exactly <subgraph> and <schema-file>.');
  const input: GatewayConfigInput = parsed.values.config ? readConfigFile(parsed.values.config) : {};
  const config = loadConfig({ input, env });
  const configured = config.supergraph.source === 'compose' ? config.supergraph.configPath : undefined;
  const supergraphConfig = parsed.values['supergraph-config'] ?? configured;
  if (!supergraphConfig) throw new UsageError('The gateway config uses a precomposed supergraph file; pass --supergraph-config supergraph.yaml.');
  let sdl: string;
  try {
    sdl = await readFile(schemaFile, 'utf8');
  } catch {
    throw new UsageError(`Schema file "${schemaFile}" not found or unreadable.`);
  }
  return {
    subgraph,
    schemaFile,
    sdl,
    supergraphConfig,
    redisUrl: parsed.values['redis-url'] ?? config.redis.url,
    allowBreaking: parsed.values['allow-breaking'] ?? false,
  };
}
