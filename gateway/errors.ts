import { GraphQLError } from 'graphql';

/**
 * Every `extensions.code` Switchyard itself puts on an error. README's error table is kept in step
 * with this list by a test, so add a row there when you add a code here.
 * Apollo Server's own codes (GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED, BAD_USER_INPUT,
 * PERSISTED_QUERY_NOT_FOUND, BAD_REQUEST, INTERNAL_SERVER_ERROR) are reused as they are.
 */
export const GatewayErrorCode = {
  /** A subgraph could not be reached: connection refused or reset, circuit open, bulkhead full. */
  SUBGRAPH_UNAVAILABLE: 'SUBGRAPH_UNAVAILABLE',
  /** A subgraph answered, but with a non-GraphQL HTTP error or a GraphQL error that carried no code. */
  SUBGRAPH_ERROR: 'SUBGRAPH_ERROR',
  /** A subgraph did not answer within its timeout. */
  SUBGRAPH_TIMEOUT: 'SUBGRAPH_TIMEOUT',
  /** A credential was presented but is invalid or expired. */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** A field or type the caller may not see was removed from the operation. */
  UNAUTHORIZED_FIELD_OR_TYPE: 'UNAUTHORIZED_FIELD_OR_TYPE',
  /** The client exceeded its rate limit. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** The operation's estimated cost is above the configured maximum. */
  COST_LIMIT_EXCEEDED: 'COST_LIMIT_EXCEEDED',
  /** A shared dependency the gateway needs to decide (e.g. Redis in fail-closed mode) is unavailable. */
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  /** Configuration is invalid; raised at start, never sent to clients. */
  CONFIG_INVALID: 'CONFIG_INVALID',
  /** The supergraph could not be composed or loaded; raised at start or logged on reload. */
  SUPERGRAPH_INVALID: 'SUPERGRAPH_INVALID',
} as const;

export type GatewayErrorCode = (typeof GatewayErrorCode)[keyof typeof GatewayErrorCode];

/** An error raised inside the gateway process (config, composition), never serialised to a client. */
export class GatewayStartupError extends Error {
  readonly code: GatewayErrorCode;
  readonly details: readonly string[];

  constructor(code: GatewayErrorCode, message: string, details: readonly string[] = []) {
    super(details.length ? `${message}\n${details.map((d) => `  - ${d}`).join('\n')}` : message);
    this.name = 'GatewayStartupError';
    this.code = code;
    this.details = details;
  }
}

export interface ClientErrorOptions {
  /** HTTP status the response should carry when this error ends the request. */
  httpStatus?: number;
  /** HTTP headers to add to the response. */
  headers?: Record<string, string>;
  path?: ReadonlyArray<string | number>;
  extensions?: Record<string, unknown>;
}

/** Builds a client-facing GraphQLError with a stable code and, when given, an HTTP status. */
export function createClientError(
  code: GatewayErrorCode,
  message: string,
  options: ClientErrorOptions = {},
): GraphQLError {
  const extensions: Record<string, unknown> = { ...options.extensions, code };
  if (options.httpStatus !== undefined || options.headers !== undefined) {
    // Apollo Server only honours (and strips) `extensions.http` when no key is present with
    // `undefined`: `{ status, headers: undefined }` would leak into the body and answer 500.
    const http: { status?: number; headers?: Map<string, string> } = {};
    if (options.httpStatus !== undefined) http.status = options.httpStatus;
    if (options.headers !== undefined) http.headers = new Map(Object.entries(options.headers));
    extensions.http = http;
  }
  return new GraphQLError(message, { path: options.path, extensions });
}
