import type { IncomingHttpHeaders } from 'node:http';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider, ParentBasedSampler, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-node';
import type { RequestTrace, TraceSpan, Tracing, TracingOptions } from './tracing.js';

/** The OpenTelemetry side of tracing.ts, loaded only when tracing is on. */

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

export function createOtelTracing(options: TracingOptions): Tracing {
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
