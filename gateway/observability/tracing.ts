import type { IncomingHttpHeaders } from 'node:http';
import type { Attributes } from '@opentelemetry/api';

/**
 * OpenTelemetry traces (off unless `tracing.enabled`): a server span per GraphQL request, child
 * spans for parse, validate, plan and execute, and a client span per subgraph fetch whose W3C
 * `traceparent` goes to the subgraph. Exported over OTLP/HTTP (JSON) in batches. The provider is
 * the gateway's own, not the process-global one: several gateways (tests, workers) never share
 * state, and parents are passed explicitly, so no async context manager runs per request. The
 * OpenTelemetry SDK (otel-tracing.ts) is imported only when tracing is on: a gateway without traces
 * does not carry its modules.
 */

export interface TracingOptions {
  /** OTLP/HTTP traces URL; unset: the exporter reads OTEL_EXPORTER_OTLP_TRACES_ENDPOINT / OTEL_EXPORTER_OTLP_ENDPOINT. */
  endpoint?: string;
  serviceName: string;
  /** Share of new traces recorded (a caller's sampled parent is followed either way). */
  sampleRatio: number;
  /** How long spans wait in the batch before export. */
  exportDelayMs: number;
}

/** One span the gateway opened; ended exactly once. */
export interface TraceSpan {
  setAttributes(attributes: Attributes): void;
  /** Marks the span failed with a gateway error code. */
  fail(code: string, message?: string): void;
  end(): void;
  /** The W3C `traceparent` naming this span as the parent (for the subgraph request). */
  traceparent(): string | undefined;
}

/** The trace of one request, as the engine and plugins see it. */
export interface RequestTrace {
  readonly traceId: string;
  /** A span below the request's server span. */
  startSpan(name: string, options?: { kind?: 'internal' | 'client'; attributes?: Attributes }): TraceSpan;
  /** The request's server span. */
  readonly server: TraceSpan;
}

export interface Tracing {
  /** Opens the server span of a request, continuing the caller's trace when it sent `traceparent`. */
  startRequest(method: string, path: string, headers: IncomingHttpHeaders): RequestTrace;
  /** Exports what is still buffered and stops. */
  shutdown(): Promise<void>;
}

export interface LoadingTracing extends Tracing {
  /** Settles once the SDK is loaded; the gateway awaits it before serving. */
  readonly ready: Promise<void>;
}

export function createTracing(options: TracingOptions): LoadingTracing {
  let loaded: Tracing | undefined;
  const ready = import('./otel-tracing.js').then(({ createOtelTracing }) => {
    loaded = createOtelTracing(options);
  });
  return {
    ready,
    startRequest(method, path, headers) {
      if (!loaded) throw new Error('tracing used before the gateway started');
      return loaded.startRequest(method, path, headers);
    },
    shutdown: async () => {
      await ready;
      await loaded?.shutdown();
    },
  };
}
