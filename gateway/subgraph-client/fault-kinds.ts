import { BrokenCircuitError, BulkheadRejectedError, TaskCancelledError } from 'cockatiel';
import { SubgraphTimeoutError } from './deadline-clock.js';
import { SubgraphHttpError } from './http-transport.js';

/** Transport error codes (node and undici) that mean the subgraph could not be reached or hung up. */
export const CONNECTION_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
]);

const RETRYABLE_STATUSES = new Set([502, 503, 504]);

export function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && CONNECTION_ERROR_CODES.has(code);
}

function isAbort(error: unknown): boolean {
  const name = (error as { name?: unknown })?.name;
  return name === 'AbortError' || (error as { code?: unknown })?.code === 'UND_ERR_ABORTED';
}

/** Worth another attempt of a query: nothing was processed (connection) or the subgraph said "try again". */
export function isRetryable(error: unknown): boolean {
  if (isConnectionError(error)) return true;
  if (!(error instanceof SubgraphHttpError)) return false;
  return RETRYABLE_STATUSES.has(error.status) || (error.status === 429 && error.retryAfterMs !== undefined);
}

/** Counts against the subgraph's health (breaker, replica ejection): unreachable, 5xx, or too slow. */
export function isSubgraphFault(error: unknown): boolean {
  if (error instanceof BrokenCircuitError || error instanceof BulkheadRejectedError || error instanceof TaskCancelledError) return false;
  if (error instanceof SubgraphTimeoutError) return true;
  if (error instanceof SubgraphHttpError) return error.status >= 500;
  return isConnectionError(error) || isAbort(error);
}
