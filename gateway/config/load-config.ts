import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { GatewayErrorCode, GatewayError } from '../errors.js';
import { applyEnvironmentDefaults } from './environment-defaults.js';
import { authSchema } from './auth-schema.js';
import { configSchema, type GatewayConfig, type GatewayConfigInput } from './schema.js';
import { readSecrets } from './secrets.js';

export interface LoadConfigOptions {
  /** Values as read from a config file or passed by a caller (tests, CLI flags). */
  input?: GatewayConfigInput;
  /** Environment to read overrides from; pass `process.env` at the edge only. */
  env?: Record<string, string | undefined>;
}

type Mutable = Record<string, unknown>;

/**
 * How an environment variable's text becomes a config value, by zod. A value that does not coerce
 * is passed on as the raw string, so the config schema reports it with the key and the variable.
 */
const number = z.string().trim().min(1).pipe(z.coerce.number());
const ENV_KINDS = {
  string: z.string(),
  number,
  boolean: z.stringbool({ truthy: ['true', '1'], falsy: ['false', '0'] }),
  'count-or-auto': z.union([z.literal('auto'), number]),
  /** Comma-separated, blanks around items ignored. */
  list: z.string().transform((raw) =>
    raw
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  ),
} as const;
type EnvKind = keyof typeof ENV_KINDS;

const ENV_OVERRIDES: ReadonlyArray<{ env: string; path: readonly string[]; kind: EnvKind }> = [
  { env: 'PORT', path: ['server', 'port'], kind: 'number' },
  { env: 'HOST', path: ['server', 'host'], kind: 'string' },
  { env: 'SWITCHYARD_SHUTDOWN_GRACE_MS', path: ['server', 'shutdownGraceMs'], kind: 'number' },
  { env: 'SWITCHYARD_REQUEST_TIMEOUT_MS', path: ['server', 'requestTimeoutMs'], kind: 'number' },
  { env: 'SWITCHYARD_WORKERS', path: ['server', 'workers'], kind: 'count-or-auto' },
  { env: 'SWITCHYARD_INTROSPECTION', path: ['server', 'introspection'], kind: 'boolean' },
  { env: 'SWITCHYARD_PLAYGROUND', path: ['playground', 'enabled'], kind: 'boolean' },
  { env: 'REDIS_URL', path: ['redis', 'url'], kind: 'string' },
  { env: 'LOG_LEVEL', path: ['logging', 'level'], kind: 'string' },
  { env: 'SWITCHYARD_TRACING', path: ['tracing', 'enabled'], kind: 'boolean' },
  { env: 'OTEL_SERVICE_NAME', path: ['tracing', 'serviceName'], kind: 'string' },
  { env: 'OTEL_TRACES_SAMPLER_ARG', path: ['tracing', 'sampleRatio'], kind: 'number' },
  { env: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', path: ['tracing', 'endpoint'], kind: 'string' },
  { env: 'SWITCHYARD_AUTH_MODE', path: ['auth', 'mode'], kind: 'string' },
  { env: 'SWITCHYARD_SUBGRAPH_TIMEOUT_MS', path: ['subgraphs', 'defaults', 'timeoutMs'], kind: 'number' },
  { env: 'SWITCHYARD_SUPERGRAPH_POLL_SECONDS', path: ['supergraph', 'pollIntervalSeconds'], kind: 'number' },
  { env: 'SWITCHYARD_RATE_LIMIT_ENABLED', path: ['rateLimit', 'enabled'], kind: 'boolean' },
  { env: 'SWITCHYARD_RATE_LIMIT_FAIL_OPEN', path: ['rateLimit', 'failOpen'], kind: 'boolean' },
  { env: 'SWITCHYARD_CORS_ORIGINS', path: ['cors', 'origins'], kind: 'list' },
  { env: 'SWITCHYARD_COST_ENABLED', path: ['cost', 'enabled'], kind: 'boolean' },
  { env: 'SWITCHYARD_MAX_COST', path: ['cost', 'maxCost'], kind: 'number' },
  { env: 'SWITCHYARD_COST_MODE', path: ['cost', 'mode'], kind: 'string' },
];

/** Every environment variable the config loader reads (deployment files are checked against it). */
export const CONFIG_ENV_NAMES: readonly string[] = ENV_OVERRIDES.map((override) => override.env);

function coerce(raw: string, kind: EnvKind): unknown {
  const parsed = ENV_KINDS[kind].safeParse(kind === 'count-or-auto' ? raw.trim() : raw);
  return parsed.success ? parsed.data : raw;
}

function setPath(target: Mutable, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    node[key] = next && typeof next === 'object' ? { ...(next as Mutable) } : {};
    node = node[key] as Mutable;
  }
  node[path[path.length - 1]] = value;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function describeIssue(issue: z.core.$ZodIssue, envByPath: Map<string, string>): string {
  const key = issue.path.map(String).join('.') || '(root)';
  const env = envByPath.get(key);
  const where = env ? `${key} (from env ${env})` : key;
  if (issue.code === 'unrecognized_keys') {
    const prefix = issue.path.length ? `${key}.` : '';
    return `${issue.keys.map((k) => `${prefix}${k}`).join(', ')}: unknown key`;
  }
  return `${where}: ${issue.message}`;
}

/**
 * Validates config from a file/caller input plus env overrides, reporting every problem at once in
 * one CONFIG_INVALID error, and returns a deeply frozen object.
 */
export function loadConfig(options: LoadConfigOptions = {}): GatewayConfig {
  const env = options.env ?? {};
  const merged: Mutable = structuredClone((options.input ?? {}) as Mutable);
  const envByPath = new Map<string, string>();
  for (const override of ENV_OVERRIDES) {
    const raw = env[override.env];
    if (raw === undefined) continue;
    if (override.path[0] === 'supergraph' && override.path[1] === 'pollIntervalSeconds') {
      const supergraph = (merged.supergraph ?? { source: 'compose' }) as Mutable;
      if (supergraph.source === 'file') continue;
      merged.supergraph = { source: 'compose', ...supergraph };
    }
    setPath(merged, override.path, coerce(raw, override.kind));
    envByPath.set(override.path.join('.'), override.env);
  }
  applyEnvironmentDefaults(merged, env);
  const result = configSchema.safeParse(merged);
  const problems = result.success ? [] : result.error.issues.map((issue) => describeIssue(issue, envByPath));
  // Secrets are checked with everything else, so one start reports every problem.
  const auth = result.success ? result.data.auth : authSchema.safeParse(merged.auth ?? {}).data;
  const read = auth ? readSecrets(auth, env) : undefined;
  problems.push(...(read?.problems ?? []));
  if (!result.success || problems.length > 0) throw new GatewayError(GatewayErrorCode.CONFIG_INVALID, 'Invalid configuration:', problems);
  return deepFreeze({ ...result.data, secrets: read!.secrets });
}

/** Reads a YAML or JSON config file (JSON is YAML) into raw input for `loadConfig`. */
export function readConfigFile(path: string): GatewayConfigInput {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new GatewayError(GatewayErrorCode.CONFIG_INVALID, `Config file "${path}" not found or unreadable.`);
  }
  try {
    return (parseYaml(text) ?? {}) as GatewayConfigInput;
  } catch (error) {
    throw new GatewayError(GatewayErrorCode.CONFIG_INVALID, `Config file "${path}" is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
}
