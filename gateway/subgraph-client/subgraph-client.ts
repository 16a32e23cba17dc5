import { bulkhead, handleWhen, retry, wrap, type IBackoff, type IPolicy, type IRetryBackoffContext } from 'cockatiel';
import type { Logger } from 'pino';
import { retryDelay } from './backoff.js';
import { linkCancel, type Cancel } from './cancel.js';
import { createSubgraphBreaker } from './breaker.js';
import { createDeadlineClock, SubgraphTimeoutError } from './deadline-clock.js';
import { createInFlightDedup, dedupKey, type InFlightDedup } from './dedup.js';
import { isRetryable, isSubgraphFault } from './fault-kinds.js';
import { createHttpTransport, SubgraphHttpError, type HttpTransport, type SubgraphResponse } from './http-transport.js';
import { resolveSubgraphTraffic, type SubgraphsSettings, type SubgraphTraffic } from './options.js';
import { createReplicaSet, type ReplicaSet } from './replicas.js';
import { createRetryBudget, type RetryBudget } from './retry-budget.js';

/** Only queries are safe to repeat or share; anything else is sent exactly once. */
export type OperationKind = 'query' | 'mutation' | 'subscription';

/** One subgraph request. */
export interface SubgraphRequest {
  subgraph: string;
  /** The exact JSON body sent (signatures are computed over it). */
  body: string;
  headers: Record<string, string>;
  /**
   * Aborts a query fetch when its caller goes away (client disconnect, deadline); a fetch shared with
   * other callers is aborted only once all of them went. Mutations ignore it: once sent, they finish.
   */
  signal?: AbortSignal;
  /** Default `mutation`: unknown means "do not repeat, do not share, do not abort". */
  kind?: OperationKind;
  /** Told before each attempt this request makes (0 first; a shared in-flight call reports to its first caller). */
  onAttempt?(attempt: number): void;
}

export interface SubgraphClient {
  /**
   * Sends one GraphQL-over-HTTP POST to the subgraph through its pool, bulkhead, breaker, timeout and —
   * for queries — retries and in-flight dedup. Resolves with the 2xx response; rejects with
   * SubgraphHttpError, a transport error, SubgraphTimeoutError, the caller's abort reason, or
   * cockatiel's BrokenCircuitError / BulkheadRejectedError / TaskCancelledError.
   */
  send(request: SubgraphRequest): Promise<SubgraphResponse>;
  /** Declares a subgraph and its routing URL (again on supergraph reload); returns its resolved settings. */
  register(subgraph: string, routingUrl: string): SubgraphTraffic;
  /** The URL of the replica the next request would go to (healthy ones first): where a subscription connects. */
  pickUrl(subgraph: string): string;
  /**
   * Forgets every subgraph not in `names` (it left the supergraph) and closes its pools once their
   * in-flight requests finish; a later `send` to it fails instead of opening a new pool.
   */
  retain(names: Iterable<string>): void;
  /** Closes every pool; requests still in flight after `waitMs` (default: no limit) are aborted. */
  close(waitMs?: number): Promise<void>;
}

export interface SubgraphClientOptions {
  /** Per-subgraph settings (the validated `subgraphs` config section fits). */
  config?: SubgraphsSettings;
  logger: Logger;
}

type Policy = IPolicy<{ signal: AbortSignal }>;

interface SubgraphState {
  routingUrl: string;
  traffic: SubgraphTraffic;
  replicas: ReplicaSet;
  budget: RetryBudget;
  transport: HttpTransport;
  queries: Policy;
  mutations: Policy;
  dedup: InFlightDedup<SubgraphResponse>;
  /** Index of a query's last attempt; errors from it spend no retry budget (no retry follows). */
  lastAttempt: number;
  lastAttemptErrors: WeakSet<object>;
  /** Errors of attempts whose caller went away: not counted by the breaker or replica ejection. */
  cancelledByCaller: WeakSet<object>;
}

/** Full-jitter backoff, or the subgraph's own Retry-After when it sent one. */
class RetryBackoff implements IBackoff<IRetryBackoffContext<unknown>> {
  readonly duration: number;
  constructor(
    private readonly options: SubgraphTraffic['retry'],
    context?: IRetryBackoffContext<unknown>,
  ) {
    const error = context && 'error' in context.result ? context.result.error : undefined;
    const retryAfter = error instanceof SubgraphHttpError ? error.retryAfterMs : undefined;
    this.duration = context ? (retryDelay(context.attempt, retryAfter, options) ?? 0) : 0;
  }
  next(context: IRetryBackoffContext<unknown>): IBackoff<IRetryBackoffContext<unknown>> {
    return new RetryBackoff(this.options, context);
  }
}

/**
 * The subgraph client: one state per subgraph (replicas with undici pools, retry budget, breaker,
 * bulkhead, dedup map), built once at registration so a call allocates only its own promise chain.
 */
export function createSubgraphClient(options: SubgraphClientOptions): SubgraphClient {
  const { logger } = options;
  const states = new Map<string, SubgraphState>();
  const clock = createDeadlineClock();

  function build(subgraph: string, routingUrl: string): SubgraphState {
    const traffic = resolveSubgraphTraffic(options.config, subgraph, routingUrl);
    const budget = createRetryBudget({ ratio: traffic.retry.budgetRatio });
    const replicas = createReplicaSet({ urls: traffic.urls, strategy: traffic.loadBalancing, ejectMs: traffic.ejectMs });
    const transport = createHttpTransport({ maxConnections: traffic.maxConnections, maxResponseBytes: traffic.maxResponseBytes });
    const lastAttemptErrors = new WeakSet<object>();
    // Failures caused by the caller going away (a client disconnect) say nothing about the subgraph's health.
    const cancelledByCaller = new WeakSet<object>();
    const retryAfterTooLong = (error: Error) =>
      error instanceof SubgraphHttpError && error.retryAfterMs !== undefined && error.retryAfterMs > traffic.retry.maxRetryAfterMs;
    const retries = retry(
      handleWhen((error) => !lastAttemptErrors.has(error) && isRetryable(error) && !retryAfterTooLong(error) && budget.tryAcquireRetry()),
      { maxAttempts: traffic.retry.maxAttempts - 1, backoff: new RetryBackoff(traffic.retry) },
    );
    retries.onRetry((event) => logger.debug({ subgraph, attempt: event.attempt, delayMs: event.delay }, 'retrying subgraph fetch'));
    const breaker = createSubgraphBreaker(
      subgraph,
      traffic.breaker,
      (error) => !cancelledByCaller.has(error as object) && isSubgraphFault(error),
      logger,
    );
    const slots = bulkhead(traffic.bulkhead.maxConcurrent, traffic.bulkhead.maxQueue);
    const lastAttempt = traffic.retry.maxAttempts - 1;
    return {
      routingUrl,
      traffic,
      replicas,
      budget,
      transport,
      queries: wrap(retries, breaker, slots) as Policy,
      mutations: wrap(breaker, slots) as Policy,
      dedup: createInFlightDedup(),
      lastAttempt,
      lastAttemptErrors,
      cancelledByCaller,
    };
  }

  async function attempt(
    state: SubgraphState,
    subgraph: string,
    body: string,
    headers: Record<string, string>,
    cancel: Cancel,
    attemptIndex: number,
    /** A query's call: its abort for a reason other than the subgraph timeout is the callers' leaving. */
    call?: Cancel,
  ): Promise<SubgraphResponse> {
    const replica = state.replicas.pick();
    replica.inFlight++;
    try {
      const response = await state.transport.post(replica.url, body, headers, cancel);
      state.replicas.reportSuccess(replica);
      return response;
    } catch (caught) {
      // The slot's timeout error is shared by every fetch due then: each gets its own (errors are marked below).
      const error = caught instanceof SubgraphTimeoutError ? new SubgraphTimeoutError(caught.message) : caught;
      // A timeout is the subgraph's doing even though it reaches the attempt through the call's one Cancel.
      if (call?.aborted && !(call.reason instanceof SubgraphTimeoutError) && error && typeof error === 'object') {
        state.cancelledByCaller.add(error);
        throw error;
      }
      if (isSubgraphFault(error) && state.replicas.reportFailure(replica)) {
        logger.warn({ subgraph, replica: replica.url.host, ejectMs: state.traffic.ejectMs }, 'subgraph replica ejected');
      }
      if (attemptIndex >= state.lastAttempt && error && typeof error === 'object') state.lastAttemptErrors.add(error);
      throw error;
    } finally {
      replica.inFlight--;
    }
  }

  function stateOf(subgraph: string): SubgraphState {
    const state = states.get(subgraph);
    if (!state) throw new Error(`Subgraph "${subgraph}" is not registered with the subgraph client.`);
    return state;
  }

  return {
    pickUrl(subgraph) {
      return stateOf(subgraph).replicas.pick().url.toString();
    },
    register(subgraph, routingUrl) {
      const existing = states.get(subgraph);
      if (existing && existing.routingUrl === routingUrl) return existing.traffic;
      // In-flight requests finish on the old pools; close() waits for them, and a retry that would
      // reopen one fails instead (the transport is closed), so moving URLs leaks no pool.
      if (existing) {
        existing.transport.close().catch((error: unknown) => logger.warn({ err: error, subgraph }, 'closing old subgraph pools failed'));
      }
      const state = build(subgraph, routingUrl);
      states.set(subgraph, state);
      return state.traffic;
    },
    retain(names) {
      const keep = new Set(names);
      for (const [subgraph, state] of states) {
        if (keep.has(subgraph)) continue;
        states.delete(subgraph);
        logger.info({ subgraph }, 'subgraph left the supergraph; closing its pools');
        state.transport.close().catch((error: unknown) => logger.warn({ err: error, subgraph }, 'closing removed subgraph pools failed'));
      }
    },
    send({ subgraph, body, headers, signal, kind = 'mutation', onAttempt }) {
      const state = stateOf(subgraph);
      // The subgraph's timeout covers the whole call (queue, attempts, backoff) through one shared signal.
      const timeout = clock.signalAt(Date.now() + state.traffic.timeoutMs);
      if (kind !== 'query') {
        return untilAborted(
          state.mutations.execute((context) => {
            onAttempt?.(0);
            return attempt(state, subgraph, body, headers, cancelOf(context), Infinity);
          }, timeout.asSignal()),
          timeout,
        );
      }
      const execute = (call: Cancel) => {
        state.budget.recordRequest();
        return untilAborted(
          state.queries.execute((context: { signal: AbortSignal; attempt?: number }) => {
            onAttempt?.(context.attempt ?? 0);
            return attempt(state, subgraph, body, headers, cancelOf(context), context.attempt ?? 0, call);
          }, call.asSignal()),
          call,
        );
      };
      // Shared: the call's one Cancel aborts at the subgraph timeout or once every caller has gone.
      if (state.traffic.dedup) return state.dedup.run(dedupKey(subgraph, body, headers), execute, signal, timeout);
      if (!signal) return execute(timeout);
      // The caller's signal (client gone, request deadline) and the subgraph's timeout, whichever comes first.
      const link = linkCancel(signal, timeout);
      return execute(link.cancel).finally(link.release);
    },
    async close(waitMs) {
      await Promise.all([...states.values()].map((state) => state.transport.close(waitMs)));
      states.clear();
    },
  };
}

/** The Cancel a cockatiel policy hands back as `context.signal` (it was given one as its signal). */
const cancelOf = (context: { signal: AbortSignal }): Cancel => context.signal as unknown as Cancel;

/**
 * Settles with `promise`, or rejects with the Cancel's reason as soon as it aborts: a call waiting
 * in the bulkhead queue or a retry backoff is answered at its deadline, not when its turn comes.
 */
function untilAborted<T>(promise: Promise<T>, cancel: Cancel): Promise<T> {
  if (cancel.aborted) {
    promise.catch(() => {});
    return Promise.reject(cancel.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (reason: Error) => {
      promise.catch(() => {});
      reject(reason instanceof SubgraphTimeoutError ? new SubgraphTimeoutError(reason.message) : reason);
    };
    cancel.listen(onAbort);
    promise.then(
      (value) => {
        cancel.unlisten(onAbort);
        resolve(value);
      },
      (error: unknown) => {
        cancel.unlisten(onAbort);
        reject(error);
      },
    );
  });
}
