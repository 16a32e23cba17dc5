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
  /** The document breaks an operation limit (tokens, depth, fields, aliases, root fields, directives); refused before validation. */
  OPERATION_LIMIT_EXCEEDED: 'OPERATION_LIMIT_EXCEEDED',
  /** Trusted documents only: the request sent a document (or an id) that is not in the manifest. */
  PERSISTED_QUERY_NOT_IN_LIST: 'PERSISTED_QUERY_NOT_IN_LIST',
  /** The operation type cannot be served over this request (a subscription sent as a plain HTTP request). */
  UNSUPPORTED_OPERATION: 'UNSUPPORTED_OPERATION',
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
  code: ClientErrorCode,
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
