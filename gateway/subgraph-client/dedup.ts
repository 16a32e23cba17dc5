/**
 * Headers that never change a subgraph's answer: correlation ids and trace context (otherwise no two
 * client requests would ever share a fetch), and the request signature, which is a function of the
 * body, the identity headers (both in the key) and the current second. The shared request carries
 * the first caller's values.
 */
export const DEDUP_IGNORED_HEADERS: ReadonlySet<string> = new Set([
  'x-request-id',
  'traceparent',
  'tracestate',
  'x-switchyard-timestamp',
  'x-switchyard-signature',
]);

/**
 * The identity of a query fetch for in-flight sharing: subgraph, exact body, and every header sent
 * with it (identity, trace context, anything forwarded) in a stable order. Two fetches share one
 * HTTP request only when nothing that could change the answer differs.
 */
export function dedupKey(subgraph: string, body: string, headers: Readonly<Record<string, string>>): string {
  const names = Object.keys(headers).filter((name) => !DEDUP_IGNORED_HEADERS.has(name)).sort();
  let key = subgraph;
  // \u0000 cannot occur in a header name or value (RFC 9110 §5.5), so the parts cannot run together.
  for (const name of names) key += `\u0000${name}\u0000${headers[name]}`;
  return `${key}\u0000\u0000${body}`;
}

/** Shares one promise between identical calls while the first one is in flight. */
export interface InFlightDedup<T> {
  run(key: string, call: () => Promise<T>): Promise<T>;
  /** Calls currently in flight (for tests and metrics). */
  readonly size: number;
}

export function createInFlightDedup<T>(): InFlightDedup<T> {
  const inFlight = new Map<string, Promise<T>>();
  return {
    run(key, call) {
      const existing = inFlight.get(key);
      if (existing) return existing;
      const promise = call().finally(() => inFlight.delete(key));
      inFlight.set(key, promise);
      return promise;
    },
    get size() {
      return inFlight.size;
    },
  };
}
