import { DEFAULT_SUBGRAPH_TRAFFIC, type SubgraphsConfig } from '../config/index.js';

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
  /** Replica URLs; the supergraph's routing URL when none are configured. */
  urls: readonly string[];
}

/** Resolves `DEFAULT_SUBGRAPH_TRAFFIC` ← `subgraphs.defaults` ← `subgraphs.overrides[name]`, nested objects key by key. */
export function resolveSubgraphTraffic(config: SubgraphsConfig | undefined, name: string, routingUrl: string): SubgraphTraffic {
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
    urls: override.urls ?? [routingUrl],
  };
}
