import type { IncomingHttpHeaders } from 'node:http';
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { BrokenCircuitError } from 'cockatiel';
import type { GatewayExecutionResult, GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import type { Logger } from 'pino';
import type { IncrementalDelivery } from './incremental.js';
import type { FormattedExecutionResult } from 'graphql-ws';
import { createSharedSubscriptions, type SharedSubscriptions } from './shared-subscriptions.js';
import { subscribeToSubgraph } from './subgraph-subscription.js';
import type { RequestTrace, TraceSpan } from '../observability/index.js';
import { dedupeRepresentations, expandEntitiesResponse, type DedupedRepresentations } from './representations.js';
import { failedFetchPaths, MAX_ERROR_PATHS_PER_FETCH, type ResponsePath } from './error-paths.js';
import { classifySubgraphFailure, isRequestDeadline, type SubgraphFailure } from './failure.js';
import { operationKindOf } from './operation-kind.js';
import { moreErrorsError, readSubgraphAnswer, sanitizeError } from './subgraph-answer.js';
import type { SubgraphResponseCollector } from './response-collector.js';
import type { SubgraphClient, SubgraphResponse, SubgraphTraffic } from '../subgraph-client/index.js';

/** Headers of one request only: they do not keep two subscriptions from sharing a subgraph subscription. */
const PER_REQUEST_HEADERS = new Set(['x-request-id', 'traceparent', 'tracestate']);

/** What the data source needs from the per-request context the server builds. */
export interface SubgraphRequestContext {
  requestId?: string;
  /** Headers to send to every subgraph for this request (request id, identity). */
  subgraphHeaders?: Readonly<Record<string, string>>;
  /** The client's request headers, read for each subgraph's `forwardHeaders` allowlist. */
  incoming?: { headers: IncomingHttpHeaders };
  /** Where fetches leave Cache-Control and passed-through headers for the client's response. */
  subgraphResponse?: SubgraphResponseCollector;
  /** Aborted when the client goes away before its response was sent: its query fetches are cancelled. */
  signal?: AbortSignal;
  /** Present when the client accepts `multipart/mixed`: `@defer` is then delivered incrementally. */
  incremental?: IncrementalDelivery;
  /** The request's OpenTelemetry trace (tracing on): each fetch is a client span below it. */
  trace?: RequestTrace;
  /** Present for a subscription taken over WebSocket: the executor puts its event stream here. */
  subscription?: {
    stream?: AsyncIterableIterator<GatewayExecutionResult>;
    subgraph?: string;
    /** Aborted at shutdown: the subgraph subscription closes and the events already received are still delivered. */
    stop?: AbortSignal;
  };
}

export interface SubgraphDataSourceOptions {
  name: string;
  url: string;
  logger: Logger;
  /** Sends the HTTP requests (pool, timeout, retries, breaker, dedup, replicas). */
  client: SubgraphClient;
  /** Record each response's Cache-Control for the most-restrictive merge. Default true. */
  mergeCacheControl?: boolean;
  /**
   * Extra headers computed over the exact body string sent and the headers already set (request
   * signing). Same shape as the auth plugin's `signSubgraphRequest`; its headers join the dedup key.
   */
  signRequest?: (body: string, headers: Readonly<Record<string, string>>) => Record<string, string>;
  /** Events a subscription to this subgraph may have waiting (subscriptions.maxQueuedEvents). */
  maxQueuedEvents?: number;
  /** Identical subscriptions to this subgraph share one (subscriptions.deduplicate). Default false. */
  deduplicateSubscriptions?: boolean;
  /** Told about every query-plan fetch: `ok`, or the code the client saw first (metrics). */
  onFetch?: (subgraph: string, outcome: string, seconds: number) => void;
}

/** What Switchyard's executor adds to a fetch's options. */
export interface PlanFetchOptions {
  /** The representations are distinct already: no second deduplication. */
  representationsUnique?: boolean;
  /**
   * The entity lists the answer must hold, by response key, when not `_entities` for the
   * `representations` variable (a fetch split into aliased groups by @context values).
   */
  entityLists?: Readonly<Record<string, number>>;
}

type GraphQLFormattedErrorLike = NonNullable<GatewayGraphQLResponse['errors']>[number];

/**
 * Apollo's RemoteGraphQLDataSource with its transport replaced by the subgraph client (no
 * make-fetch-happen, no node-fetch Request/Headers per call), and every failure turned into errors
 * located at the paths it leaves null, coded and naming the subgraph — never an internal URL or a
 * stack trace.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<SubgraphRequestContext> {
  readonly name: string;
  private readonly logger: Logger;
  private readonly client: SubgraphClient;
  private readonly traffic: SubgraphTraffic;
  private readonly mergeCacheControl: boolean;
  private readonly signRequest: SubgraphDataSourceOptions['signRequest'];
  private readonly maxQueuedEvents: number;
  /** subscriptions.deduplicate: identical subgraph subscriptions share one. */
  private readonly sharedSubscriptions: SharedSubscriptions | undefined;
  private readonly onFetch: SubgraphDataSourceOptions['onFetch'];

  constructor(options: SubgraphDataSourceOptions) {
    super({ url: options.url });
    this.name = options.name;
    this.logger = options.logger;
    this.client = options.client;
    this.traffic = options.client.register(options.name, options.url);
    this.mergeCacheControl = options.mergeCacheControl ?? true;
    this.signRequest = options.signRequest;
    this.maxQueuedEvents = options.maxQueuedEvents ?? 100;
    this.sharedSubscriptions = options.deduplicateSubscriptions ? createSharedSubscriptions() : undefined;
    this.onFetch = options.onFetch;
  }

  /** Request id and identity from the context, plus the client headers this subgraph's allowlist names. */
  private headersFor(context: SubgraphRequestContext | undefined): Record<string, string> {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    const incoming = context?.incoming?.headers;
    if (incoming) {
      for (const name of this.traffic.forwardHeaders) {
        const value = incoming[name];
        if (typeof value === 'string') headers[name] = value;
      }
    }
    const fixed = context?.subgraphHeaders;
    if (fixed) for (const name in fixed) headers[name] = fixed[name];
    return headers;
  }

  /**
   * Subscribes to this subgraph over GraphQL over WebSocket with the headers a query fetch of this
   * request would carry (the upgrade is signed over an empty body).
   */
  subscribe(
    payload: { query: string; variables?: Record<string, unknown>; operationName?: string },
    context: SubgraphRequestContext,
  ): AsyncIterableIterator<FormattedExecutionResult<Record<string, unknown>, unknown>> {
    const headers = this.headersFor(context);
    delete headers['content-type'];
    const { protocol } = this.traffic.subscription;
    if (protocol === 'sse') headers.accept = 'text/event-stream';
    const open = (signal: AbortSignal | undefined, onClose?: () => void) => {
      const signals = { signal, stop: context.subscription?.stop, onClose };
      if (protocol === 'sse') {
        // Signed over the exact body graphql-sse's client sends, as a query fetch is.
        const sign = this.signRequest && ((body: string) => this.signRequest!(body, headers));
        return subscribeToSubgraph({ protocol, url: this.subscriptionUrl(), headers, sign }, payload, signals, this.maxQueuedEvents);
      }
      // A WebSocket upgrade has no body: the signature is over an empty one.
      if (this.signRequest) Object.assign(headers, this.signRequest('', headers));
      return subscribeToSubgraph({ protocol, url: this.subscriptionUrl(), headers }, payload, signals, this.maxQueuedEvents);
    };
    if (!this.sharedSubscriptions) return open(context.signal);
    // Everything that reaches the subgraph but what is per request (its id, its trace).
    const shared: Record<string, string> = {};
    for (const name of Object.keys(headers).sort()) if (!PER_REQUEST_HEADERS.has(name)) shared[name] = headers[name]!;
    const key = JSON.stringify([payload.query, payload.operationName ?? null, payload.variables ?? null, shared]);
    return this.sharedSubscriptions.join(key, (onSubgraphClosed) => open(undefined, onSubgraphClosed), context.signal, this.maxQueuedEvents);
  }

  /** subgraphs.*.subscription: its `url`, else the next healthy replica's (the routing URL) with its `path`. */
  private subscriptionUrl(): string {
    const { url, path } = this.traffic.subscription;
    if (url) return url;
    const base = this.client.pickUrl(this.name);
    if (!path) return base;
    const target = new URL(base);
    target.pathname = path;
    return target.toString();
  }

  private collect(context: SubgraphRequestContext | undefined, response: SubgraphResponse | undefined): void {
    const collector = context?.subgraphResponse;
    if (!collector) return;
    if (!response) {
      // A failed fetch makes the client's response partial: nothing may cache it.
      if (this.mergeCacheControl) collector.cacheControl.push('no-store');
      return;
    }
    if (this.mergeCacheControl) {
      const value = response.headers['cache-control'];
      collector.cacheControl.push(Array.isArray(value) ? value.join(', ') : value);
    }
    for (const name of this.traffic.responseHeaders) {
      const value = response.headers[name];
      if (value === undefined) continue;
      for (const one of Array.isArray(value) ? value : [value]) collector.headers.push([name, one]);
    }
  }

  override async process(options: GraphQLDataSourceProcessOptions<SubgraphRequestContext>): Promise<GatewayGraphQLResponse> {
    // Health checks and schema loading are not query-plan traffic; Apollo's own path handles them.
    if (!('incomingRequestContext' in options)) return super.process(options);
    const { request, context } = options;
    const started = performance.now();
    let response: GatewayGraphQLResponse;
    let deduped: DedupedRepresentations | undefined;
    let span: TraceSpan | undefined;
    try {
      const representations = request.variables?.representations;
      // Switchyard's executor sends each representation once already (PlanFetchOptions); Apollo's does not.
      deduped =
        Array.isArray(representations) && !(options as PlanFetchOptions).representationsUnique ? dedupeRepresentations(representations) : undefined;
      const body = JSON.stringify({
        query: request.query,
        variables: deduped ? { ...request.variables, representations: deduped.unique } : request.variables,
        operationName: request.operationName,
        extensions: request.extensions,
      });
      const operation = operationKindOf(options.document, request.query);
      const headers = this.headersFor(context);
      span = context?.trace?.startSpan(`subgraph ${this.name}`, {
        kind: 'client',
        attributes: { 'switchyard.subgraph.name': this.name, 'graphql.operation.type': operation, 'http.request.method': 'POST' },
      });
      // The subgraph continues this trace from the fetch's own span (not the caller's traceparent).
      const traceparent = span?.traceparent();
      if (traceparent) headers.traceparent = traceparent;
      if (this.signRequest) Object.assign(headers, this.signRequest(body, headers));
      const answer = await this.client.send({
        subgraph: this.name,
        body,
        headers,
        signal: context?.signal,
        kind: operation,
        onAttempt: span && ((attempt) => span!.setAttributes({ 'switchyard.subgraph.attempts': attempt + 1 })),
      });
      span?.setAttributes({ 'http.response.status_code': answer.status });
      const entityLists =
        (options as PlanFetchOptions).entityLists ??
        (Array.isArray(representations) ? { _entities: deduped ? deduped.unique.length : representations.length } : undefined);
      // Each caller parses its own copy: the executor mutates results, so shared (deduplicated) objects would leak.
      response = readSubgraphAnswer(answer.body, entityLists);
      if (deduped) response = expandEntitiesResponse(response, deduped);
      this.collect(context, answer);
    } catch (error) {
      this.collect(context, undefined);
      const failure = classifySubgraphFailure(this.name, error);
      if (span) {
        if (failure.status) span.setAttributes({ 'http.response.status_code': failure.status });
        if (error instanceof BrokenCircuitError) span.setAttributes({ 'switchyard.subgraph.breaker': 'open' });
        span.fail(failure.code, failure.message);
        span.end();
      }
      if (context?.signal?.aborted && !isRequestDeadline(context.signal.reason)) {
        // The client left; nobody reads this answer.
        this.logger.debug(
          { requestId: context.requestId, traceId: context.trace?.traceId, subgraph: this.name },
          'subgraph fetch cancelled: the client disconnected',
        );
        return { errors: this.failureErrors(options, failure) };
      }
      this.logger.warn(
        { requestId: context?.requestId, traceId: context?.trace?.traceId, subgraph: this.name, code: failure.code, err: error },
        'subgraph fetch failed',
      );
      this.onFetch?.(this.name, failure.code, (performance.now() - started) / 1000);
      return { errors: this.failureErrors(options, failure) };
    }
    if (span) {
      if (response.errors?.length) span.fail(String(response.errors[0]?.extensions?.code ?? 'SUBGRAPH_ERROR'));
      span.end();
    }
    if (response.errors?.length) response = { ...response, errors: this.normaliseErrors(options, response) };
    const firstCode = response.errors?.[0]?.extensions?.code;
    this.onFetch?.(this.name, typeof firstCode === 'string' ? firstCode : 'ok', (performance.now() - started) / 1000);
    return response;
  }

  private pathsOf(options: GraphQLDataSourceProcessOptions<SubgraphRequestContext>): ResponsePath[] {
    const document = 'document' in options ? options.document : undefined;
    // One more than reported, so the caller knows whether to add the summary error.
    return failedFetchPaths(options.request.query ?? '', document, options.request.variables, MAX_ERROR_PATHS_PER_FETCH + 1);
  }

  private failureErrors(options: GraphQLDataSourceProcessOptions<SubgraphRequestContext>, failure: SubgraphFailure): GraphQLFormattedErrorLike[] {
    const extensions = { code: failure.code, subgraph: this.name, ...(failure.status ? { httpStatus: failure.status } : {}) };
    const paths = this.pathsOf(options);
    if (paths.length === 0) return [{ message: failure.message, extensions }];
    const errors: GraphQLFormattedErrorLike[] = paths
      .slice(0, MAX_ERROR_PATHS_PER_FETCH)
      .map((path) => ({ message: failure.message, path, extensions }));
    if (paths.length > MAX_ERROR_PATHS_PER_FETCH) {
      errors.push({
        message: `${failure.message} More paths are null for the same reason.`,
        extensions,
      });
    }
    return errors;
  }

  /** Errors a subgraph answered with, as clients may see them (see sanitizeError), at most `maxErrors` of them. */
  private normaliseErrors(
    options: GraphQLDataSourceProcessOptions<SubgraphRequestContext>,
    response: GatewayGraphQLResponse,
  ): GraphQLFormattedErrorLike[] {
    const wholeFetchFailed = response.data === null || response.data === undefined;
    const policy = {
      subgraph: this.name,
      maskErrors: this.traffic.maskErrors,
      maxErrors: this.traffic.maxErrors,
      errorExtensions: this.traffic.errorExtensions,
    };
    const errors = (response.errors ?? []) as unknown as Array<Record<string, unknown>>;
    const normalised: GraphQLFormattedErrorLike[] = [];
    let expandedPathless = false;
    for (const error of errors.slice(0, policy.maxErrors)) {
      const sanitised = sanitizeError(error, policy);
      if (!sanitised.path && wholeFetchFailed && !expandedPathless) {
        // A pathless error with no data means every field of the fetch failed: say so at each one.
        expandedPathless = true;
        const paths = this.pathsOf(options).slice(0, MAX_ERROR_PATHS_PER_FETCH);
        if (paths.length) {
          for (const path of paths) normalised.push({ ...sanitised, path });
          continue;
        }
      }
      normalised.push(sanitised);
    }
    if (errors.length > policy.maxErrors) normalised.push(moreErrorsError(errors.length - policy.maxErrors, this.name));
    return normalised;
  }
}
