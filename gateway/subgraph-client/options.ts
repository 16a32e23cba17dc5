/**
 * Traffic settings every subgraph gets unless `subgraphs.defaults` or `subgraphs.overrides.<name>`
 * says otherwise. Resolution order: these constants ← `defaults` ← `overrides.<name>` (key by key,
 * nested objects merged).
 */
export const DEFAULT_SUBGRAPH_TRAFFIC = Object.freeze({
  /** Whole budget for one subgraph fetch, retries included. */
  timeoutMs: 10_000,
  /** Keep-alive connections per subgraph origin (undici Pool). */
  maxConnections: 32,
  retry: Object.freeze({
    /** Total attempts for a query fetch, the first one included (1 turns retries off). */
    maxAttempts: 3,
    /** Exponential backoff base: attempt n waits a random time in [0, min(maxDelayMs, baseDelayMs·2ⁿ⁻¹)]. */
    baseDelayMs: 25,
    maxDelayMs: 500,
    /** Retries may be at most this share of the requests over the last 10 s (plus a floor of 10). */
    budgetRatio: 0.2,
    /** Longest `Retry-After` (429/503) honoured; a longer one gives up instead of waiting. */
    maxRetryAfterMs: 2_000,
  }),
  breaker: Object.freeze({
    /** Opens after this many failed calls in a row (connection errors, 5xx, timeouts). */
    consecutiveFailures: 5,
    /** Also opens when this share of calls failed over `samplingWindowMs` (0 turns it off). */
    failureRatio: 0,
    samplingWindowMs: 10_000,
    /** The ratio rule only applies above this many requests per second. */
    minimumRps: 5,
    /** Open → half-open (one probe call) after this long. */
    halfOpenAfterMs: 5_000,
  }),
  bulkhead: Object.freeze({
    /** Concurrent requests to one subgraph (all replicas together). */
    maxConcurrent: 256,
    /** Requests waiting for a slot; beyond that a fetch fails at once. */
    maxQueue: 1_024,
  }),
  /** Share one HTTP request between identical query fetches in flight (never mutations). */
  dedup: true,
  /** How replicas share the load: `round-robin` or `least-in-flight`. */
  loadBalancing: 'round-robin' as 'round-robin' | 'least-in-flight',
  /** A replica that failed is skipped for this long (while another one is healthy). */
  ejectMs: 10_000,
  /** Client request headers forwarded to the subgraph (lower case). The request id always is. */
  forwardHeaders: Object.freeze(['traceparent', 'tracestate']) as readonly string[],
  /** Subgraph response headers passed through to the client (e.g. `set-cookie`; multiple values appended). */
  responseHeaders: Object.freeze([]) as readonly string[],
  /**
   * Replace subgraph GraphQL error messages by a generic one (codes and paths stay); a subgraph's
   * message may carry internals (a database URL, a stack). On by default under NODE_ENV=production.
   */
  maskErrors: false,
  /** Largest answer read from the subgraph; past it the stream is aborted and the fetch fails (SUBGRAPH_ERROR). */
  maxResponseBytes: 8 * 1024 * 1024,
  /** Errors relayed per fetch; the rest are summed up in one more error. */
  maxErrors: 100,
  /**
   * Error extension keys passed on from the subgraph (besides `code`, always kept); each value at most
   * 1 KB of JSON and 4 levels deep, else dropped. Default none: custom keys may carry internals.
   */
  errorExtensions: Object.freeze([]) as readonly string[],
  /**
   * Subscriptions to this subgraph: `graphql-ws` (GraphQL over WebSocket, graphql-transport-ws) or
   * `sse` (GraphQL over SSE, distinct connections), at the routing URL (or the replica picked,
   * healthy ones first) with `path` replacing its path, or at `url`.
   */
  subscription: Object.freeze({ protocol: 'graphql-ws' as SubgraphSubscriptionProtocol }) as SubgraphSubscriptionSettings,
});

export type SubgraphSubscriptionProtocol = 'graphql-ws' | 'sse';
export interface SubgraphSubscriptionSettings {
  protocol: SubgraphSubscriptionProtocol;
  path?: string;
  url?: string;
}

type DeepPartial<T> = { [K in keyof T]?: T[K] extends readonly unknown[] ? T[K] : T[K] extends object ? Partial<T[K]> : T[K] };

/** Settings of one subgraph, each key optional (`subgraphs.defaults`, `subgraphs.overrides.<name>` in config). */
export type SubgraphTrafficSettings = DeepPartial<Omit<SubgraphTraffic, 'urls'>> & { urls?: readonly string[] };

/** What the client is configured with: settings for every subgraph, and per subgraph name. */
export interface SubgraphsSettings {
  defaults?: SubgraphTrafficSettings;
  overrides?: Readonly<Record<string, SubgraphTrafficSettings>>;
}

/** Every traffic setting of one subgraph, defaults applied. */
export interface SubgraphTraffic {
  timeoutMs: number;
  maxConnections: number;
  retry: { maxAttempts: number; baseDelayMs: number; maxDelayMs: number; budgetRatio: number; maxRetryAfterMs: number };
  breaker: { consecutiveFailures: number; failureRatio: number; samplingWindowMs: number; minimumRps: number; halfOpenAfterMs: number };
  bulkhead: { maxConcurrent: number; maxQueue: number };
  /** Effective in-flight sharing: off whenever `responseHeaders` is non-empty. */
  dedup: boolean;
  loadBalancing: 'round-robin' | 'least-in-flight';
  ejectMs: number;
  forwardHeaders: readonly string[];
  responseHeaders: readonly string[];
  maskErrors: boolean;
  maxResponseBytes: number;
  maxErrors: number;
  errorExtensions: readonly string[];
  subscription: SubgraphSubscriptionSettings;
  /** Replica URLs; the supergraph's routing URL when none are configured. */
  urls: readonly string[];
}

/** Resolves `DEFAULT_SUBGRAPH_TRAFFIC` ← `subgraphs.defaults` ← `subgraphs.overrides[name]`, nested objects key by key. */
export function resolveSubgraphTraffic(config: SubgraphsSettings | undefined, name: string, routingUrl: string): SubgraphTraffic {
  const defaults = config?.defaults ?? {};
  const override = config?.overrides?.[name] ?? {};
  const base = DEFAULT_SUBGRAPH_TRAFFIC;
  const responseHeaders = override.responseHeaders ?? defaults.responseHeaders ?? base.responseHeaders;
  return {
    timeoutMs: override.timeoutMs ?? defaults.timeoutMs ?? base.timeoutMs,
    maxConnections: override.maxConnections ?? defaults.maxConnections ?? base.maxConnections,
    retry: { ...base.retry, ...defaults.retry, ...override.retry },
    breaker: { ...base.breaker, ...defaults.breaker, ...override.breaker },
    bulkhead: { ...base.bulkhead, ...defaults.bulkhead, ...override.bulkhead },
    // Response headers passed back (Set-Cookie) are per caller: a shared fetch would hand one caller's to all.
    dedup: (override.dedup ?? defaults.dedup ?? base.dedup) && responseHeaders.length === 0,
    loadBalancing: override.loadBalancing ?? defaults.loadBalancing ?? base.loadBalancing,
    ejectMs: override.ejectMs ?? defaults.ejectMs ?? base.ejectMs,
    forwardHeaders: override.forwardHeaders ?? defaults.forwardHeaders ?? base.forwardHeaders,
    responseHeaders,
    maskErrors: override.maskErrors ?? defaults.maskErrors ?? base.maskErrors,
    maxResponseBytes: override.maxResponseBytes ?? defaults.maxResponseBytes ?? base.maxResponseBytes,
    maxErrors: override.maxErrors ?? defaults.maxErrors ?? base.maxErrors,
    errorExtensions: override.errorExtensions ?? defaults.errorExtensions ?? base.errorExtensions,
    subscription: { ...base.subscription, ...defaults.subscription, ...override.subscription },
    urls: override.urls ?? [routingUrl],
  };
}
