import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, waitFor, type StartedGateway } from '../../helpers/gateway.js';
import { createCloseStack, postGraphQL, startSubgraphs } from '../../helpers/subgraphs.js';
import type { RunningSubgraphs } from '../../../subgraphs/index.js';

/**
 * OpenTelemetry traces, received by a real OTLP/HTTP endpoint started here: the exporter's JSON
 * requests are decoded and the span tree checked — the server span continues the caller's
 * traceparent, the phases and every subgraph fetch are its children, each subgraph receives its
 * fetch span as traceparent, failures are marked, and every log line of the request has the trace id.
 */
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Array<{ key: string; value: { stringValue?: string; intValue?: number | string; boolValue?: boolean } }>;
  status?: { code?: number; message?: string };
}
const SERVER = 2;
const CLIENT = 3;
const ERROR = 2;

const closeStack = createCloseStack();
const received: OtlpSpan[] = [];
const requests: Array<{ path: string; contentType: string | undefined }> = [];
let subgraphs: RunningSubgraphs;
let traced: StartedGateway;
let unsampled: StartedGateway;

function attribute(span: OtlpSpan, key: string): unknown {
  const value = span.attributes.find((entry) => entry.key === key)?.value;
  if (!value) return undefined;
  return value.stringValue ?? (value.intValue !== undefined ? Number(value.intValue) : value.boolValue);
}

const spansOf = (traceId: string) => received.filter((span) => span.traceId === traceId);
const traceparent = (traceId: string, spanId: string) => `00-${traceId}-${spanId}-01`;
const randomHex = (bytes: number) => [...crypto.getRandomValues(new Uint8Array(bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');

beforeAll(async () => {
  const receiver: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      requests.push({ path: request.url ?? '', contentType: request.headers['content-type'] });
      const decoded = JSON.parse(body) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: OtlpSpan[] }> }> };
      for (const resource of decoded.resourceSpans) for (const scope of resource.scopeSpans) received.push(...scope.spans);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  closeStack.push(() => new Promise<void>((resolve) => receiver.close(() => resolve())));
  const endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/v1/traces`;

  subgraphs = await startSubgraphs();
  closeStack.push(subgraphs.close);
  const base = { rateLimit: { enabled: false }, server: { inboundDedup: false } };
  traced = await startGateway({
    subgraphUrls: subgraphs.urls,
    config: { ...base, logging: { level: 'info' }, tracing: { enabled: true, endpoint, exportDelayMs: 50, serviceName: 'switchyard-test' } },
  });
  closeStack.push(traced.close);
  unsampled = await startGateway({
    subgraphUrls: subgraphs.urls,
    config: { ...base, logging: { level: 'warn' }, tracing: { enabled: true, endpoint, exportDelayMs: 50, sampleRatio: 0 } },
  });
  closeStack.push(unsampled.close);
});
afterAll(() => closeStack.drain());

describe('OpenTelemetry traces over OTLP/HTTP', () => {
  it('a server span continuing the caller’s trace, with the phases and one client span per subgraph fetch below it', async () => {
    const traceId = randomHex(16);
    const callerSpan = randomHex(8);
    for (const subgraph of Object.values(subgraphs.byName)) subgraph.resetStats();
    const { status, body } = await postGraphQL(traced.url, '{ topProducts(first: 2) { upc name inStock reviews { author { username } } } }', {
      headers: { traceparent: traceparent(traceId, callerSpan) },
    });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    await waitFor(() => spansOf(traceId).some((span) => span.kind === SERVER), 10_000, 'the server span to be exported');

    expect(requests.every((request) => request.path === '/v1/traces' && request.contentType?.startsWith('application/json'))).toBe(true);
    const spans = spansOf(traceId);
    const server = spans.find((span) => span.kind === SERVER)!;
    expect(server.name).toBe('POST /graphql');
    expect(server.parentSpanId).toBe(callerSpan);
    expect(attribute(server, 'http.response.status_code')).toBe(200);
    expect(attribute(server, 'graphql.operation.type')).toBe('query');

    const children = spans.filter((span) => span.parentSpanId === server.spanId);
    const names = new Set(children.map((span) => span.name));
    // Parse and validation happen once, in the HTTP layer's limits check (Apollo reuses its document).
    for (const phase of ['graphql.parse', 'graphql.plan', 'graphql.execute']) expect(names, phase).toContain(phase);
    const fetches = children.filter((span) => span.kind === CLIENT);
    expect(new Set(fetches.map((span) => attribute(span, 'switchyard.subgraph.name')))).toEqual(
      new Set(['products', 'inventory', 'reviews', 'accounts']),
    );
    for (const fetch of fetches) {
      expect(fetch.name).toBe(`subgraph ${attribute(fetch, 'switchyard.subgraph.name') as string}`);
      expect(attribute(fetch, 'http.response.status_code')).toBe(200);
      expect(fetch.status?.code ?? 0).not.toBe(ERROR);
    }

    // Each subgraph got its fetch's span as parent, not the caller's.
    for (const [name, subgraph] of Object.entries(subgraphs.byName)) {
      const sent = subgraph.stats.requestLog.map((entry) => entry.headers.traceparent as string);
      expect(sent.length, name).toBeGreaterThan(0);
      for (const header of sent) {
        const [, id, parent] = header.split('-');
        expect(id).toBe(traceId);
        expect(fetches.filter((span) => attribute(span, 'switchyard.subgraph.name') === name).map((span) => span.spanId)).toContain(parent);
      }
    }

    // The request's log lines carry the trace id.
    await waitFor(() => traced.logs.some((line) => line.traceId === traceId && line.msg === 'request completed'), 5_000, 'the request log line');
  });

  it('a failing subgraph fetch is an error span with its code', async () => {
    subgraphs.byName.inventory.setFaults({ mode: 'http500' });
    const traceId = randomHex(16);
    try {
      await postGraphQL(traced.url, '{ topProducts(first: 1) { upc inStock } }', { headers: { traceparent: traceparent(traceId, randomHex(8)) } });
    } finally {
      subgraphs.byName.inventory.setFaults({});
    }
    await waitFor(() => spansOf(traceId).some((span) => attribute(span, 'switchyard.subgraph.name') === 'inventory'), 10_000, 'the inventory span');
    const failed = spansOf(traceId).find((span) => attribute(span, 'switchyard.subgraph.name') === 'inventory')!;
    expect(failed.status?.code).toBe(ERROR);
    expect(attribute(failed, 'switchyard.error.code')).toBe('SUBGRAPH_ERROR');
    expect(attribute(failed, 'http.response.status_code')).toBe(500);
  });

  it('a retried fetch is one client span that counts its attempts', async () => {
    subgraphs.byName.inventory.setFaults({ failFirst: 1 });
    const traceId = randomHex(16);
    try {
      const { body } = await postGraphQL(traced.url, '{ topProducts(first: 1) { upc inStock } }', {
        headers: { traceparent: traceparent(traceId, randomHex(8)) },
      });
      expect(body.errors).toBeUndefined();
    } finally {
      subgraphs.byName.inventory.setFaults({});
    }
    await waitFor(() => spansOf(traceId).some((span) => attribute(span, 'switchyard.subgraph.name') === 'inventory'), 10_000, 'the inventory span');
    const spans = spansOf(traceId).filter((span) => attribute(span, 'switchyard.subgraph.name') === 'inventory');
    expect(spans).toHaveLength(1);
    expect(attribute(spans[0]!, 'switchyard.subgraph.attempts')).toBe(2);
    expect(attribute(spans[0]!, 'http.response.status_code')).toBe(200);
    expect(
      attribute(
        spansOf(traceId).find((span) => attribute(span, 'switchyard.subgraph.name') === 'products')!,
        'switchyard.subgraph.attempts',
      ),
    ).toBe(1);
  });

  it('sampleRatio 0 records no new traces but follows a caller’s sampled traceparent', async () => {
    const before = received.length;
    await postGraphQL(unsampled.url, '{ topProducts(first: 1) { upc } }');
    const traceId = randomHex(16);
    await postGraphQL(unsampled.url, '{ topProducts(first: 1) { upc } }', { headers: { traceparent: traceparent(traceId, randomHex(8)) } });
    await waitFor(() => spansOf(traceId).some((span) => span.kind === SERVER), 10_000, 'the sampled request to be exported');
    const newSpans = received.slice(before);
    expect(new Set(newSpans.map((span) => span.traceId))).toEqual(new Set([traceId]));
  });
});
