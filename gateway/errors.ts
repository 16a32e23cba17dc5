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
  /** A subscription fell more than `subscriptions.maxQueuedEvents` events behind its subgraph: it was ended. */
  SUBSCRIPTION_TOO_SLOW: 'SUBSCRIPTION_TOO_SLOW',
  /**
   * A field's value contradicts the schema once merged: null for a non-null field (an entity its owner
   * resolved to null, say), a leaf of the wrong type, an unknown `__typename`. Its parent is nulled.
   */
  INVALID_FIELD_VALUE: 'INVALID_FIELD_VALUE',
  /** A credential was presented but is invalid or expired. */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** A field or type the caller may not see was removed from the operation. */
  UNAUTHORIZED_FIELD_OR_TYPE: 'UNAUTHORIZED_FIELD_OR_TYPE',
  /** The client exceeded its rate limit. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** The operation's estimated cost is above the configured maximum. */
  COST_LIMIT_EXCEEDED: 'COST_LIMIT_EXCEEDED',
  /** The document breaks an operation limit (tokens, depth, fields, aliases, root fields, directives); refused before validation. */
  OPERATION_LIMIT_EXCEEDED: 'OPERATION_LIMIT_EXCEEDED',
  /** Trusted documents only: the request sent a document (or an id) that is not in the manifest. */
  PERSISTED_QUERY_NOT_IN_LIST: 'PERSISTED_QUERY_NOT_IN_LIST',
  /** The operation type cannot be served over this request (a subscription sent as a plain HTTP request). */
  UNSUPPORTED_OPERATION: 'UNSUPPORTED_OPERATION',
  /** The query planner could not plan this valid operation over the current supergraph (the log says why). */
  QUERY_PLANNING_FAILED: 'QUERY_PLANNING_FAILED',
  /** The request body or its headers are larger than the gateway accepts (413, 431). */
  REQUEST_TOO_LARGE: 'REQUEST_TOO_LARGE',
  /** No route at this path. */
  NOT_FOUND: 'NOT_FOUND',
  /** The route exists but not for this HTTP method; `Allow` lists the ones it takes. */
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
  /** A shared dependency the gateway needs to decide (e.g. Redis in fail-closed mode) is unavailable. */
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  /** Configuration is invalid; raised at start, never sent to clients. */
  CONFIG_INVALID: 'CONFIG_INVALID',
  /** The supergraph could not be composed or loaded; raised at start or logged on reload. */
  SUPERGRAPH_INVALID: 'SUPERGRAPH_INVALID',
} as const;

export type GatewayErrorCode = (typeof GatewayErrorCode)[keyof typeof GatewayErrorCode];

/** Apollo Server's codes that Switchyard reuses with their meaning (README lists them beside the table). */
export type ApolloErrorCode =
  | 'GRAPHQL_PARSE_FAILED'
  | 'GRAPHQL_VALIDATION_FAILED'
  | 'BAD_USER_INPUT'
  | 'BAD_REQUEST'
  | 'OPERATION_RESOLUTION_FAILURE'
  | 'PERSISTED_QUERY_NOT_FOUND'
  | 'INTERNAL_SERVER_ERROR';

/** Every code a client can see. */
export type ClientErrorCode = GatewayErrorCode | ApolloErrorCode;

/**
 * The HTTP status that goes with each code when it ends a request (200: the error rides along with
 * partial data, or — PERSISTED_QUERY_NOT_FOUND — clients retry); undefined for process-level errors
 * that never reach a client. README's table shows the same status (a test checks it), and
 * `createClientError` and the HTTP layer take it from here instead of choosing one at each call site.
 */
export const ERROR_STATUS: Readonly<Record<ClientErrorCode, number | undefined>> = {
  SUBGRAPH_UNAVAILABLE: 200,
  SUBGRAPH_ERROR: 200,
  SUBGRAPH_TIMEOUT: 200,
  SUBSCRIPTION_TOO_SLOW: 200,
  INVALID_FIELD_VALUE: 200,
  UNAUTHENTICATED: 401,
  UNAUTHORIZED_FIELD_OR_TYPE: 200,
  RATE_LIMITED: 429,
  COST_LIMIT_EXCEEDED: 400,
  OPERATION_LIMIT_EXCEEDED: 400,
  PERSISTED_QUERY_NOT_IN_LIST: 400,
  UNSUPPORTED_OPERATION: 400,
  QUERY_PLANNING_FAILED: 200,
  REQUEST_TOO_LARGE: 413,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  SERVICE_UNAVAILABLE: 503,
  CONFIG_INVALID: undefined,
  SUPERGRAPH_INVALID: undefined,
  GRAPHQL_PARSE_FAILED: 400,
  GRAPHQL_VALIDATION_FAILED: 400,
  BAD_USER_INPUT: 400,
  BAD_REQUEST: 400,
  OPERATION_RESOLUTION_FAILURE: 400,
  PERSISTED_QUERY_NOT_FOUND: 200,
  INTERNAL_SERVER_ERROR: 500,
};

/**
 * An error of the gateway process itself — configuration or supergraph — never serialised to a
 * client: at start it stops the start with its message; on a reload it is logged and the last good
 * supergraph keeps serving.
 */
export class GatewayError extends Error {
  readonly code: GatewayErrorCode;
  readonly details: readonly string[];

  constructor(code: GatewayErrorCode, message: string, details: readonly string[] = []) {
    super(details.length ? `${message}\n${details.map((d) => `  - ${d}`).join('\n')}` : message);
    this.name = 'GatewayError';
    this.code = code;
    this.details = details;
  }
}

export interface ClientErrorOptions {
  /** HTTP status the response should carry when this error ends the request; default: the code's (ERROR_STATUS). */
  httpStatus?: number;
  /** HTTP headers to add to the response. */
  headers?: Record<string, string>;
  path?: ReadonlyArray<string | number>;
  extensions?: Record<string, unknown>;
}

/** Builds a client-facing GraphQLError with a stable code and, when given, an HTTP status. */
export function createClientError(code: ClientErrorCode, message: string, options: ClientErrorOptions = {}): GraphQLError {
  const extensions: Record<string, unknown> = { ...options.extensions, code };
  const status = options.httpStatus ?? ERROR_STATUS[code];
  if (status !== undefined || options.headers !== undefined) {
    // Apollo Server only honours (and strips) `extensions.http` when no key is present with
    // `undefined`: `{ status, headers: undefined }` would leak into the body and answer 500.
    const http: { status?: number; headers?: Map<string, string> } = {};
    if (status !== undefined) http.status = status;
    if (options.headers !== undefined) http.headers = new Map(Object.entries(options.headers));
    extensions.http = http;
  }
  return new GraphQLError(message, { path: options.path, extensions });
}
