import type { ExpectedError, RecordedResponse } from './fixture.js';

/** A GraphQL response as it came over HTTP. */
export interface HttpAnswer {
  status: number;
  body: { data?: unknown; errors?: Array<{ message: string; path?: ReadonlyArray<string | number>; extensions?: Record<string, unknown> }> };
}

/**
 * Switchyard's documented differences from plain Apollo Gateway, listed once. Each is applied to the
 * reference answer before comparing; README "Federation support" repeats them.
 */
export const DOCUMENTED_DIFFERENCES = [
  {
    id: 'subgraph-error-code',
    reason:
      'An error a subgraph returned without a code (or with INTERNAL_SERVER_ERROR) is coded SUBGRAPH_ERROR and names the subgraph, so clients can tell it from a gateway fault; plain Apollo relays it uncoded or as DOWNSTREAM_SERVICE_ERROR.',
  },
  {
    id: 'request-error-status',
    reason:
      'Parse, validation and variable errors answer HTTP 200 to application/json clients, as GraphQL-over-HTTP says they SHOULD; plain Apollo answers 400.',
  },
  {
    id: 'masked-internals',
    reason:
      'An error without a deliberate code (INTERNAL_SERVER_ERROR) reaches clients as "Internal server error." with the detail in the log: its message may carry library internals or addresses. Only its path and code are compared.',
  },
  {
    id: 'defer-directive',
    reason:
      "Switchyard's executor serves @defer (Apollo's gateway executor cannot), so its schema, introspection included, declares the directive: `defer` is left out of `__schema.directives` before comparing.",
  },
  {
    id: 'locations',
    reason: 'Locations of subgraph errors point into the subgraph fetch, not the client document: Switchyard drops them; they are not compared.',
  },
] as const;

const SUBGRAPH_UNCODED = new Set([undefined, 'INTERNAL_SERVER_ERROR', 'DOWNSTREAM_SERVICE_ERROR']);
const REQUEST_ERRORS = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT']);

/** What the corpus compares of one error. */
export interface ComparableError {
  path: string;
  code: string | undefined;
  message: string | undefined;
}

function comparable(error: ExpectedError): ComparableError {
  const masked = error.code === 'INTERNAL_SERVER_ERROR';
  return { path: error.path ? error.path.join('.') : '', code: error.code, message: masked ? undefined : error.message };
}

function sortErrors(errors: ComparableError[]): ComparableError[] {
  return errors.sort((a, b) => (a.path + '\n' + a.code + '\n' + a.message).localeCompare(b.path + '\n' + b.code + '\n' + b.message));
}

/** The data without the `@defer` directive in `__schema.directives` (see 'defer-directive'). */
function withoutDeferDirective(data: unknown): unknown {
  const schema = (data as { __schema?: { directives?: unknown } } | null | undefined)?.__schema;
  if (!Array.isArray(schema?.directives)) return data;
  const directives = schema.directives.filter((directive: { name?: string }) => directive?.name !== 'defer');
  return { ...(data as object), __schema: { ...schema, directives } };
}

/** Switchyard's answer, reduced to what is compared. */
export function ourComparable(answer: HttpAnswer): { status: number; data: string; errors: ComparableError[] } {
  const errors = (answer.body.errors ?? []).map((e) =>
    comparable({ path: e.path, code: e.extensions?.code as string | undefined, message: e.message }),
  );
  return { status: answer.status, data: JSON.stringify(withoutDeferDirective(answer.body.data)), errors: sortErrors(errors) };
}

/** Plain Apollo Gateway's answer with the documented differences applied. */
export function referenceComparable(answer: HttpAnswer): { status: number; data: string; errors: ComparableError[] } {
  const errors = (answer.body.errors ?? []).map((e) => {
    let code = e.extensions?.code as string | undefined;
    const fromSubgraph = typeof e.extensions?.serviceName === 'string';
    if (fromSubgraph && SUBGRAPH_UNCODED.has(code)) code = 'SUBGRAPH_ERROR';
    return comparable({ path: e.path, code, message: e.message });
  });
  const allRequestErrors = errors.length > 0 && errors.every((e) => REQUEST_ERRORS.has(e.code ?? ''));
  const status = answer.status === 400 && allRequestErrors ? 200 : answer.status;
  return { status, data: JSON.stringify(answer.body.data), errors: sortErrors(errors) };
}

/** A hand-recorded answer, reduced like the others (fields left out of an error are not compared). */
export function recordedComparable(recorded: RecordedResponse): { status: number; data: string; errors: ComparableError[] } {
  return { status: recorded.status ?? 200, data: JSON.stringify(recorded.data), errors: sortErrors((recorded.errors ?? []).map(comparable)) };
}

/**
 * Reduces an answer to the fields a recorded answer states: when no recorded error gives a message
 * (or a code), messages (or codes) are not compared.
 */
export function projectErrors(errors: readonly ComparableError[], recorded: readonly ComparableError[]): ComparableError[] {
  const withMessage = recorded.some((e) => e.message !== undefined);
  const withCode = recorded.some((e) => e.code !== undefined);
  return sortErrors(errors.map((e) => ({ path: e.path, code: withCode ? e.code : undefined, message: withMessage ? e.message : undefined })));
}
