import { BrokenCircuitError, BulkheadRejectedError, TaskCancelledError } from 'cockatiel';
import { GatewayErrorCode } from '../errors.js';
import { isConnectionError, SubgraphResponseTooLargeError, SubgraphTransportClosedError } from '../subgraph-client/index.js';

/** The reason a request's signal aborts when its deadline (`server.requestTimeoutMs`) passes. */
export class RequestDeadlineError extends Error {
  override name = 'TimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`The request's deadline (${timeoutMs} ms) passed.`);
  }
}

/** True for the abort reason of a request whose deadline passed (the client is still waiting for the answer). */
export function isRequestDeadline(reason: unknown): reason is RequestDeadlineError {
  return reason instanceof RequestDeadlineError;
}

/** What went wrong talking to a subgraph, in the terms a client is told. */
export interface SubgraphFailure {
  code: typeof GatewayErrorCode.SUBGRAPH_UNAVAILABLE | typeof GatewayErrorCode.SUBGRAPH_ERROR | typeof GatewayErrorCode.SUBGRAPH_TIMEOUT;
  /** Client-safe message: names the subgraph, never its URL or the library's words. */
  message: string;
  /** HTTP status the subgraph answered, when it answered. */
  status?: number;
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown })?.status;
  return typeof status === 'number' ? status : undefined;
}

/**
 * Classifies an error thrown while fetching from `subgraph` (undici, cockatiel, our transport) into
 * a client-facing failure.
 */
export function classifySubgraphFailure(subgraph: string, error: unknown): SubgraphFailure {
  if (error instanceof BrokenCircuitError) {
    return { code: GatewayErrorCode.SUBGRAPH_UNAVAILABLE, message: `Subgraph "${subgraph}" is unavailable (circuit open after repeated failures).` };
  }
  if (error instanceof BulkheadRejectedError) {
    return { code: GatewayErrorCode.SUBGRAPH_UNAVAILABLE, message: `Subgraph "${subgraph}" is unavailable (too many requests in flight).` };
  }
  if (error instanceof RequestDeadlineError) {
    return {
      code: GatewayErrorCode.SUBGRAPH_TIMEOUT,
      message: `Subgraph "${subgraph}" had not answered when the request's deadline (${error.timeoutMs} ms) passed.`,
    };
  }
  const name = (error as { name?: string })?.name;
  const code = (error as { code?: string })?.code;
  if (
    error instanceof TaskCancelledError ||
    name === 'TimeoutError' ||
    name === 'AbortError' ||
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT'
  ) {
    return { code: GatewayErrorCode.SUBGRAPH_TIMEOUT, message: `Subgraph "${subgraph}" did not answer in time.` };
  }
  if (error instanceof SubgraphResponseTooLargeError) {
    return { code: GatewayErrorCode.SUBGRAPH_ERROR, message: `Subgraph "${subgraph}" answered more than ${error.limit} bytes.` };
  }
  const status = statusOf(error);
  if (status !== undefined) {
    const unavailable = status === 429 || status === 502 || status === 503 || status === 504;
    return {
      code: unavailable ? GatewayErrorCode.SUBGRAPH_UNAVAILABLE : GatewayErrorCode.SUBGRAPH_ERROR,
      message: unavailable ? `Subgraph "${subgraph}" is unavailable (HTTP ${status}).` : `Subgraph "${subgraph}" failed with HTTP ${status}.`,
      status,
    };
  }
  if (isConnectionError(error) || error instanceof SubgraphTransportClosedError) {
    return { code: GatewayErrorCode.SUBGRAPH_UNAVAILABLE, message: `Subgraph "${subgraph}" is unavailable.` };
  }
  return { code: GatewayErrorCode.SUBGRAPH_ERROR, message: `Subgraph "${subgraph}" returned an invalid response.` };
}
