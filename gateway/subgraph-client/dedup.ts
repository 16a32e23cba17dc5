import { abortReasonOf, Cancel, cancelled } from './cancel.js';

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
  const names = Object.keys(headers)
    .filter((name) => !DEDUP_IGNORED_HEADERS.has(name))
    .sort();
  let key = subgraph;
  // \u0000 cannot occur in a header name or value (RFC 9110 §5.5), so the parts cannot run together.
  for (const name of names) key += `\u0000${name}\u0000${headers[name]}`;
  return `${key}\u0000\u0000${body}`;
}

/**
 * Shares one call between identical callers while the first one is in flight. Each caller may bring
 * its own signal: an aborted caller stops waiting at once, and the shared call is aborted (through
 * the signal it was given) only when every caller has gone.
 */
export interface InFlightDedup<T> {
  /**
   * `follow` (the subgraph timeout) aborts the shared call for every caller: the call's one signal
   * then serves both, with no second controller linking them.
   */
  run(key: string, call: (cancel: Cancel) => Promise<T>, signal?: AbortSignal, follow?: Cancel): Promise<T>;
  /** Calls currently in flight (for tests and metrics). */
  readonly size: number;
}

interface Shared<T> {
  promise: Promise<T>;
  cancel: Cancel;
  /** Callers still waiting (an uncancellable caller counts forever). */
  waiters: number;
}

export function createInFlightDedup<T>(): InFlightDedup<T> {
  const inFlight = new Map<string, Shared<T>>();
  return {
    run(key, call, signal, follow) {
      let shared = inFlight.get(key);
      if (!shared) {
        const cancel = follow?.aborted ? cancelled(follow.reason!) : new Cancel();
        const entry: Shared<T> = { cancel, waiters: 0, promise: undefined as unknown as Promise<T> };
        const onFollow = (reason: Error) => cancel.abort(reason);
        follow?.listen(onFollow);
        entry.promise = call(cancel).finally(() => {
          follow?.unlisten(onFollow);
          if (inFlight.get(key) === entry) inFlight.delete(key);
        });
        inFlight.set(key, entry);
        shared = entry;
      }
      const entry = shared;
      entry.waiters++;
      if (!signal) return entry.promise;
      if (signal.aborted) return leave(entry, key, signal);
      return new Promise<T>((resolve, reject) => {
        const onAbort = () => leave(entry, key, signal).catch(reject);
        signal.addEventListener('abort', onAbort, { once: true });
        entry.promise.then(
          (value) => {
            signal.removeEventListener('abort', onAbort);
            resolve(value);
          },
          (error: unknown) => {
            signal.removeEventListener('abort', onAbort);
            reject(error);
          },
        );
      });
    },
    get size() {
      return inFlight.size;
    },
  };

  function leave(entry: Shared<T>, key: string, signal: AbortSignal): Promise<T> {
    entry.waiters--;
    if (entry.waiters === 0) {
      // Nobody waits any more: cancel the shared call and let a new caller start afresh.
      if (inFlight.get(key) === entry) inFlight.delete(key);
      entry.cancel.abort(abortReasonOf(signal));
      entry.promise.catch(() => undefined);
    }
    return Promise.reject(signal.reason ?? new DOMException('The operation was aborted.', 'AbortError'));
  }
}
