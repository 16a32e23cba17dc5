import type { IncomingHttpHeaders } from 'node:http';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider, ParentBasedSampler, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-node';

/**
 * OpenTelemetry traces (off unless `tracing.enabled`): a server span per GraphQL request, child
 * spans for parse, validate, plan and execute, and a client span per subgraph fetch whose W3C
 * `traceparent` goes to the subgraph. Exported over OTLP/HTTP (JSON) in batches. The provider is
 * the gateway's own, not the process-global one: several gateways (tests, workers) never share
 * state, and parents are passed explicitly, so no async context manager runs per request.
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

const propagator = new W3CTraceContextPropagator();
const headerGetter = {
  get: (carrier: IncomingHttpHeaders, key: string) => carrier[key],
  keys: (carrier: IncomingHttpHeaders) => Object.keys(carrier),
};
const recordSetter = { set: (carrier: Record<string, string>, key: string, value: string) => (carrier[key] = value) };

function wrap(span: Span, context: Context): TraceSpan {
  let ended = false;
  return {
    setAttributes: (attributes) => span.setAttributes(attributes),
    fail(code, message) {
      span.setAttribute('switchyard.error.code', code);
      span.setStatus({ code: SpanStatusCode.ERROR, message: message ?? code });
    },
    end() {
      if (ended) return;
      ended = true;
      span.end();
    },
    traceparent() {
      const carrier: Record<string, string> = {};
      propagator.inject(context, carrier, recordSetter);
      return carrier.traceparent;
    },
  };
}

function requestTrace(tracer: Tracer, parent: Context, method: string, path: string): RequestTrace {
  const span = tracer.startSpan(
    `${method} ${path}`,
    { kind: SpanKind.SERVER, attributes: { 'http.request.method': method, 'url.path': path } },
    parent,
  );
  const context = trace.setSpan(parent, span);
  return {
    traceId: span.spanContext().traceId,
    server: wrap(span, context),
    startSpan(name, options = {}) {
      const child = tracer.startSpan(
        name,
        { kind: options.kind === 'client' ? SpanKind.CLIENT : SpanKind.INTERNAL, attributes: options.attributes },
        context,
      );
      return wrap(child, trace.setSpan(context, child));
    },
  };
}

export function createTracing(options: TracingOptions): Tracing {
  const exporter = new OTLPTraceExporter(options.endpoint ? { url: options.endpoint } : {});
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(options.sampleRatio) }),
    spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: options.exportDelayMs, maxQueueSize: 4096 })],
  });
  const tracer = provider.getTracer('switchyard');
  return {
    startRequest(method, path, headers) {
      const parent = propagator.extract(ROOT_CONTEXT, headers, headerGetter);
      return requestTrace(tracer, parent, method, path);
    },
    shutdown: () => provider.shutdown(),
  };
}
