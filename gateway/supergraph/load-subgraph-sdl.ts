import { readFile } from 'node:fs/promises';
import { GatewayErrorCode, GatewayError } from '../errors.js';
import type { SubgraphDefinition } from './supergraph-yaml.js';

/** How long introspecting one `subgraph_url` may take before it counts as unreachable. */
export const DEFAULT_INTROSPECTION_TIMEOUT_MS = 5_000;

const SERVICE_SDL_QUERY = '{ _service { sdl } }';

async function introspectSdl(name: string, url: string, headers: Record<string, string>, timeoutMs: number): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
      body: JSON.stringify({ query: SERVICE_SDL_QUERY }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const reason = (error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : 'connection failed';
    throw new GatewayError(
      GatewayErrorCode.SUPERGRAPH_INVALID,
      `subgraph "${name}": subgraph_url ${url} is unreachable (${reason}); start the subgraph or point schema.file at its SDL.`,
    );
  }
  const body = (await response.json().catch(() => undefined)) as
    { data?: { _service?: { sdl?: unknown } }; errors?: Array<{ message?: string }> } | undefined;
  const sdl = body?.data?._service?.sdl;
  if (!response.ok || typeof sdl !== 'string') {
    const detail = body?.errors?.[0]?.message ?? `HTTP ${response.status}`;
    throw new GatewayError(
      GatewayErrorCode.SUPERGRAPH_INVALID,
      `subgraph "${name}": ${url} did not answer { _service { sdl } } (${detail}); is it a federation subgraph?`,
    );
  }
  return sdl;
}

/** Fetches one subgraph's SDL from its file or by introspection. */
export async function loadSubgraphSdl(subgraph: SubgraphDefinition, timeoutMs = DEFAULT_INTROSPECTION_TIMEOUT_MS): Promise<string> {
  const source = subgraph.schema;
  if (source.kind === 'introspection') return introspectSdl(subgraph.name, source.url, source.headers, timeoutMs);
  try {
    return await readFile(source.path, 'utf8');
  } catch {
    throw new GatewayError(
      GatewayErrorCode.SUPERGRAPH_INVALID,
      `supergraph.yaml: subgraphs.${subgraph.name}.schema.file "${source.path}" not found.`,
    );
  }
}
