import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Latency buckets (seconds) from 5 ms to 10 s: a federated query spans several subgraph round trips. */
export const DEFAULT_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Operation cost buckets: from trivial to far past the default maximum (50,000). */
export const DEFAULT_COST_BUCKETS = [1, 10, 50, 100, 500, 1_000, 5_000, 10_000, 50_000, 100_000, 1_000_000];

export interface GatewayMetrics {
  readonly registry: Registry;
  /** One finished HTTP request; `route` is a fixed label (`graphql`, `health`, `other`), never the raw path. */
  observeRequest(route: string, status: number, seconds: number): void;
  /** One finished subgraph fetch; `outcome` is `ok` or the error code the client saw. */
  observeSubgraphFetch(subgraph: string, outcome: string, seconds: number): void;
  /** One operation's estimated cost; `outcome` is `admitted`, `refused` or `over_limit` (served in measure mode). */
  observeOperationCost(cost: number, outcome: string): void;
  setInFlight(count: number): void;
  /** One query that shared an identical one's execution (inbound deduplication). */
  countSharedExecution(): void;
  /** One execution that waited for a slot (server.executionConcurrency). */
  countQueuedExecution(): void;
  /** One operation executed by Apollo's executor instead of Switchyard's, by reason (README "Executor"). */
  countExecutorFallback(reason: string): void;
  /** A subscription started (+1) or ended (-1), by the subgraph that owns its root field. */
  addActiveSubscriptions(subgraph: string, delta: number): void;
  /** One subscription event delivered to a client, by subgraph. */
  countSubscriptionEvent(subgraph: string): void;
  /** The Prometheus text exposition of every metric. */
  render(): Promise<string>;
  readonly contentType: string;
}

export interface GatewayMetricsOptions {
  /** Node process metrics (CPU, memory, event-loop lag, GC). Default true. */
  collectProcessMetrics?: boolean;
}

/**
 * Prometheus metrics (prom-client) in a registry of the gateway's own, so two gateways in one process
 * (tests) do not clash. Labels are bounded: status, a fixed route name, subgraph names from the
 * supergraph, outcome codes from gateway/errors.ts.
 */
export function createGatewayMetrics(options: GatewayMetricsOptions = {}): GatewayMetrics {
  const registry = new Registry();
  if (options.collectProcessMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'switchyard_' });
  const requests = new Histogram({
    name: 'switchyard_http_request_duration_seconds',
    help: 'HTTP requests served by the gateway, by route and status.',
    labelNames: ['route', 'status'],
    buckets: DEFAULT_DURATION_BUCKETS,
    registers: [registry],
  });
  const fetches = new Histogram({
    name: 'switchyard_subgraph_fetch_duration_seconds',
    help: 'Subgraph fetches made by query plans, by subgraph and outcome.',
    labelNames: ['subgraph', 'outcome'],
    buckets: DEFAULT_DURATION_BUCKETS,
    registers: [registry],
  });
  const costs = new Histogram({
    name: 'switchyard_operation_cost',
    help: 'Estimated cost of operations (demand control), by outcome.',
    labelNames: ['outcome'],
    buckets: DEFAULT_COST_BUCKETS,
    registers: [registry],
  });
  const inFlight = new Gauge({ name: 'switchyard_http_requests_in_flight', help: 'HTTP requests being served.', registers: [registry] });
  const errors = new Counter({
    name: 'switchyard_subgraph_fetch_errors_total',
    help: 'Failed subgraph fetches, by subgraph and error code.',
    labelNames: ['subgraph', 'code'],
    registers: [registry],
  });
  const fallbacks = new Counter({
    name: 'switchyard_executor_fallbacks_total',
    help: "Operations executed by Apollo's executor instead of Switchyard's, by reason.",
    labelNames: ['reason'],
    registers: [registry],
  });
  const queued = new Counter({
    name: 'switchyard_executions_queued_total',
    help: 'Plan executions that waited for a slot while the event loop was saturated (server.executionConcurrency).',
    registers: [registry],
  });
  const shared = new Counter({
    name: 'switchyard_executions_shared_total',
    help: 'Queries answered by an identical query already in flight (inbound deduplication) instead of executing.',
    registers: [registry],
  });
  const activeSubscriptions = new Gauge({
    name: 'switchyard_subscriptions_active',
    help: 'Subscriptions running now, by the subgraph that owns their root field.',
    labelNames: ['subgraph'],
    registers: [registry],
  });
  const subscriptionEvents = new Counter({
    name: 'switchyard_subscription_events_total',
    help: 'Subscription events delivered to clients, by subgraph (rate() gives events/s).',
    labelNames: ['subgraph'],
    registers: [registry],
  });
  return {
    registry,
    addActiveSubscriptions(subgraph, delta) {
      activeSubscriptions.inc({ subgraph }, delta);
    },
    countSubscriptionEvent(subgraph) {
      subscriptionEvents.inc({ subgraph });
    },
    observeRequest(route, status, seconds) {
      requests.observe({ route, status: String(status) }, seconds);
    },
    observeSubgraphFetch(subgraph, outcome, seconds) {
      fetches.observe({ subgraph, outcome }, seconds);
      if (outcome !== 'ok') errors.inc({ subgraph, code: outcome });
    },
    observeOperationCost(cost, outcome) {
      costs.observe({ outcome }, cost);
    },
    setInFlight(count) {
      inFlight.set(count);
    },
    countSharedExecution() {
      shared.inc();
    },
    countQueuedExecution() {
      queued.inc();
    },
    countExecutorFallback(reason) {
      fallbacks.inc({ reason });
    },
    render: () => registry.metrics(),
    contentType: registry.contentType,
  };
}
