/** The parameters of one GraphQL-over-HTTP request, as far as the gateway's own checks need them. */
export interface GraphQLRequestParams {
  query: string | undefined;
  operationName: string | undefined;
}

export type ReadRequest =
  /** A GraphQL request: `body` is what Apollo Server receives (the parsed JSON object, or undefined for GET). */
  | { kind: 'graphql'; params: GraphQLRequestParams; body: unknown }
  /** Not JSON: Apollo Server answers it (it refuses such content types, which keeps CSRF protection in one place). */
  | { kind: 'passthrough'; body: string | undefined }
  | { kind: 'invalid'; message: string };

const JSON_CONTENT_TYPE = /^application\/(json|graphql-response\+json)\b/i;

/** True when some number in `value` is not finite (JSON.parse turns `1e309` into Infinity). Iterative: no stack limit. */
export function hasNonFiniteNumber(value: unknown): boolean {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (typeof next === 'number') {
      if (!Number.isFinite(next)) return true;
    } else if (next !== null && typeof next === 'object') {
      for (const child of Array.isArray(next) ? next : Object.values(next)) pending.push(child);
    }
  }
  return false;
}

function parseJsonParam(raw: string | null): { ok: true; value: unknown } | { ok: false } {
  if (raw === null || raw === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(raw) };
  } catch {
    return { ok: false };
  }
}

/**
 * Reads a GraphQL-over-HTTP request (https://graphql.github.io/graphql-over-http/draft/#sec-Request):
 * POST with a JSON object body, or GET with query parameters. Refused here, before anything
 * expensive: bodies that are not JSON, batches (arrays), non-object bodies, and variables holding
 * numbers that are not finite. Everything else is left for Apollo Server to validate.
 */
export function readGraphQLRequest(method: string, search: URLSearchParams, text: string, contentType: string | undefined): ReadRequest {
  if (method === 'GET') {
    const variables = parseJsonParam(search.get('variables'));
    if (variables.ok && hasNonFiniteNumber(variables.value)) return { kind: 'invalid', message: 'Variables contain a number that is not finite.' };
    return { kind: 'graphql', params: { query: search.get('query') ?? undefined, operationName: search.get('operationName') ?? undefined }, body: undefined };
  }
  if (text === '') return { kind: 'passthrough', body: undefined };
  if (!contentType || !JSON_CONTENT_TYPE.test(contentType)) return { kind: 'passthrough', body: text };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { kind: 'invalid', message: 'Request body is not valid JSON.' };
  }
  if (Array.isArray(body)) return { kind: 'invalid', message: 'Batched requests are not supported; send one operation per request.' };
  if (body === null || typeof body !== 'object') return { kind: 'invalid', message: 'Request body must be a JSON object.' };
  const { query, operationName, variables } = body as Record<string, unknown>;
  if (hasNonFiniteNumber(variables)) return { kind: 'invalid', message: 'Variables contain a number that is not finite.' };
  return {
    kind: 'graphql',
    params: { query: typeof query === 'string' ? query : undefined, operationName: typeof operationName === 'string' ? operationName : undefined },
    body,
  };
}
