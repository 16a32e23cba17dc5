import type { ServerResponse } from 'node:http';
import { mergeCacheControl } from './cache-control.js';

/**
 * What subgraph responses contribute to the client's response, gathered during one request. Lives on
 * the context as a nested object because Apollo Server shallow-clones the context value: the clone
 * and the HTTP handler share this object.
 */
export interface SubgraphResponseCollector {
  /** One entry per subgraph fetch: its Cache-Control (undefined when absent; `no-store` when it failed). */
  cacheControl: Array<string | undefined>;
  /** Response headers passed through by `responseHeaders` rules, in arrival order. */
  headers: Array<[name: string, value: string]>;
}

export function createSubgraphResponseCollector(): SubgraphResponseCollector {
  return { cacheControl: [], headers: [] };
}

/** Anything with `get`/`set` like Apollo's HeaderMap. */
interface MutableHeaders {
  set(name: string, value: string): unknown;
}

/**
 * Applies the collected headers before the response is written: passed-through headers are appended
 * (several `Set-Cookie` stay separate header lines, never comma-joined), and the merged Cache-Control
 * replaces Apollo's own when any subgraph declared one.
 */
export function applySubgraphResponseHeaders(
  collector: SubgraphResponseCollector | undefined,
  graphqlHeaders: MutableHeaders,
  response: ServerResponse,
): void {
  if (!collector) return;
  for (const [name, value] of collector.headers) response.appendHeader(name, value);
  const merged = mergeCacheControl(collector.cacheControl);
  if (merged !== undefined) graphqlHeaders.set('cache-control', merged);
}
