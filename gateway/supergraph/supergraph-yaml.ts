import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { GatewayErrorCode, GatewayError } from '../errors.js';

/** Rover's `supergraph.yaml` format: https://www.apollographql.com/docs/rover/commands/supergraphs */
const subgraphEntrySchema = z
  .object({
    routing_url: z.string().min(1).optional(),
    schema: z.union([
      z.object({ file: z.string().min(1) }).strict(),
      z.object({ subgraph_url: z.string().min(1), introspection_headers: z.record(z.string(), z.string()).optional() }).strict(),
    ]),
  })
  .strict();

const supergraphYamlSchema = z
  .object({
    federation_version: z.union([z.string(), z.number()]).optional(),
    subgraphs: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*$/, 'subgraph names are letters, digits, _ and -'), subgraphEntrySchema),
  })
  .strict();

export type SubgraphSchemaSource = { kind: 'file'; path: string } | { kind: 'introspection'; url: string; headers: Record<string, string> };

export interface SubgraphDefinition {
  name: string;
  /** Where the gateway sends this subgraph's fetches. */
  routingUrl: string;
  schema: SubgraphSchemaSource;
}

export interface SupergraphYaml {
  /** Absolute path of the file this was read from. */
  path: string;
  federationVersion?: string;
  subgraphs: SubgraphDefinition[];
}

const ENV_REFERENCE = /\$\{env\.([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Expands rover-style `${env.NAME}` and `${env.NAME:-default}` references, so deployments point
 * subgraphs elsewhere without editing the file. An unset variable with no default is an error.
 */
export function expandEnv(value: string, env: Record<string, string | undefined>, key: string): string {
  return value.replace(ENV_REFERENCE, (_match, name: string, fallback: string | undefined) => {
    const found = env[name];
    if (found !== undefined && found !== '') return found;
    if (fallback !== undefined) return fallback;
    throw new GatewayError(
      GatewayErrorCode.SUPERGRAPH_INVALID,
      `supergraph.yaml: ${key} uses \${env.${name}} but ${name} is not set and has no default (write \${env.${name}:-http://…}).`,
    );
  });
}

/** Parses supergraph.yaml text; paths in it are resolved against `path`'s folder. */
export function parseSupergraphYaml(text: string, path: string, env: Record<string, string | undefined> = {}): SupergraphYaml {
  const absolutePath = resolve(path);
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new GatewayError(GatewayErrorCode.SUPERGRAPH_INVALID, `${path}: not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  const result = supergraphYamlSchema.safeParse(raw);
  if (!result.success) {
    throw new GatewayError(
      GatewayErrorCode.SUPERGRAPH_INVALID,
      `${path} is invalid:`,
      result.error.issues.map((issue) => {
        const key = issue.path.map(String).join('.') || '(root)';
        if (issue.code === 'unrecognized_keys') {
          return `${issue.keys.map((k) => (issue.path.length ? `${key}.${k}` : k)).join(', ')}: unknown key`;
        }
        if (issue.code === 'invalid_union') return `${key}: expected { file: <path> } or { subgraph_url: <url> }`;
        return `${key}: ${issue.message}`;
      }),
    );
  }
  const folder = dirname(absolutePath);
  const subgraphs = Object.entries(result.data.subgraphs).map(([name, entry]): SubgraphDefinition => {
    const schema: SubgraphSchemaSource =
      'file' in entry.schema
        ? { kind: 'file', path: resolve(folder, entry.schema.file) }
        : {
            kind: 'introspection',
            url: expandEnv(entry.schema.subgraph_url, env, `subgraphs.${name}.schema.subgraph_url`),
            headers: entry.schema.introspection_headers ?? {},
          };
    const routingSource = entry.routing_url ?? (schema.kind === 'introspection' ? schema.url : undefined);
    if (!routingSource) {
      throw new GatewayError(
        GatewayErrorCode.SUPERGRAPH_INVALID,
        `${path}: subgraphs.${name}.routing_url is required when the schema comes from a file.`,
      );
    }
    return { name, routingUrl: expandEnv(routingSource, env, `subgraphs.${name}.routing_url`), schema };
  });
  if (subgraphs.length === 0) {
    throw new GatewayError(GatewayErrorCode.SUPERGRAPH_INVALID, `${path}: subgraphs is empty; list at least one.`);
  }
  return {
    path: absolutePath,
    federationVersion: result.data.federation_version === undefined ? undefined : String(result.data.federation_version),
    subgraphs,
  };
}

/** Reads and parses supergraph.yaml from disk. */
export function readSupergraphYaml(path: string, env: Record<string, string | undefined> = {}): SupergraphYaml {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new GatewayError(GatewayErrorCode.SUPERGRAPH_INVALID, `${path} not found or unreadable.`);
  }
  return parseSupergraphYaml(text, path, env);
}
