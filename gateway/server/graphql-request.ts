/** The parameters of one GraphQL-over-HTTP request, as far as the gateway's own checks need them. */
export interface GraphQLRequestParams {
  query: string | undefined;
  operationName: string | undefined;
  /** A persisted document's id (`documentId`). */
  documentId: string | undefined;
  /** `extensions.persistedQuery.sha256Hash` (APQ, Apollo persisted query lists), for version 1. */
  apqHash: string | undefined;
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

function apqHashOf(extensions: unknown): string | undefined {
  const persisted = (extensions as { persistedQuery?: { version?: unknown; sha256Hash?: unknown } } | null | undefined)?.persistedQuery;
  return persisted && persisted.version === 1 && typeof persisted.sha256Hash === 'string' ? persisted.sha256Hash : undefined;
}

const stringOrUndefined = (value: unknown) => (typeof value === 'string' ? value : undefined);

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
    const extensions = parseJsonParam(search.get('extensions'));
    return {
      kind: 'graphql',
      params: {
        query: search.get('query') ?? undefined,
        operationName: search.get('operationName') ?? undefined,
        documentId: search.get('documentId') ?? undefined,
        apqHash: extensions.ok ? apqHashOf(extensions.value) : undefined,
      },
      body: undefined,
    };
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
  const { query, operationName, variables, documentId, extensions } = body as Record<string, unknown>;
  if (hasNonFiniteNumber(variables)) return { kind: 'invalid', message: 'Variables contain a number that is not finite.' };
  return {
    kind: 'graphql',
    params: {
      query: stringOrUndefined(query),
      operationName: stringOrUndefined(operationName),
      documentId: stringOrUndefined(documentId),
      apqHash: apqHashOf(extensions),
    },
    body,
  };
}

function withoutPersistedQuery(extensions: unknown): unknown {
  if (!extensions || typeof extensions !== 'object' || !('persistedQuery' in extensions)) return extensions;
  const { persistedQuery: _dropped, ...rest } = extensions as Record<string, unknown>;
  return Object.keys(rest).length ? rest : undefined;
}

/**
 * The request as Apollo Server receives it once its document is resolved: the text in `query`, the
 * id fields gone (the HTTP layer owns persisted documents and APQ, Apollo's own APQ is off).
 */
export function withResolvedDocument(method: string, search: URLSearchParams, body: unknown, query: string): { search: string; body: unknown } {
  if (method === 'GET') {
    const params = new URLSearchParams(search);
    params.set('query', query);
    params.delete('documentId');
    const extensions = parseJsonParam(params.get('extensions'));
    if (extensions.ok && extensions.value !== undefined) {
      const rest = withoutPersistedQuery(extensions.value);
      if (rest === undefined) params.delete('extensions');
      else params.set('extensions', JSON.stringify(rest));
    }
    return { search: `?${params}`, body: undefined };
  }
  const { documentId: _id, extensions, ...rest } = body as Record<string, unknown>;
  const kept = withoutPersistedQuery(extensions);
  // Apollo refuses an `extensions` key that is present but not an object.
  return { search: search.size ? `?${search}` : '', body: kept === undefined ? { ...rest, query } : { ...rest, query, extensions: kept } };
}

/** A GET request's GraphQL parameters as the JSON body of the same request by POST. */
export function getParamsAsBody(params: URLSearchParams, query: string | undefined): Record<string, unknown> {
  const json = (name: string) => {
    const raw = params.get(name);
    if (!raw) return undefined;
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      return raw;
    }
  };
  const body: Record<string, unknown> = { query };
  const operationName = params.get('operationName');
  if (operationName) body.operationName = operationName;
  const variables = json('variables');
  if (variables !== undefined) body.variables = variables;
  const extensions = json('extensions');
  if (extensions !== undefined) body.extensions = extensions;
  return body;
}
