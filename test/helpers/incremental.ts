import { meros } from 'meros/browser';

/**
 * A `@defer` client as GraphiQL, urql and Apollo Client read it: `multipart/mixed` parsed by meros,
 * every payload kept in arrival order, and the payloads merged into one result (each incremental
 * item's data put at its path).
 */

export const INCREMENTAL_ACCEPT = 'multipart/mixed;deferSpec=20220824, application/json';

export interface IncrementalPayloadItem {
  data: Record<string, unknown> | null;
  path: Array<string | number>;
  label?: string;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
}

export interface IncrementalPayload {
  data?: Record<string, unknown> | null;
  errors?: IncrementalPayloadItem['errors'];
  hasNext?: boolean;
  incremental?: IncrementalPayloadItem[];
}

export interface IncrementalAnswer {
  status: number;
  contentType: string;
  /** Every payload in arrival order (one, for a JSON answer). */
  payloads: IncrementalPayload[];
  /** The payloads merged: what the client holds once the response ends. */
  merged: { data?: Record<string, unknown> | null; errors: NonNullable<IncrementalPayloadItem['errors']> };
  /** Items that could not be merged: their path leads to no object the client holds. */
  unplaced: Array<Array<string | number>>;
}

function mergeInto(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    if (Array.isArray(existing) && Array.isArray(value)) {
      value.forEach((element, index) => {
        if (element && typeof element === 'object' && existing[index] && typeof existing[index] === 'object') {
          mergeInto(existing[index] as Record<string, unknown>, element as Record<string, unknown>);
        } else existing[index] = element;
      });
    } else if (existing && typeof existing === 'object' && value && typeof value === 'object' && !Array.isArray(value)) {
      mergeInto(existing as Record<string, unknown>, value as Record<string, unknown>);
    } else target[key] = value;
  }
}

/** Applies one payload to the merged result; an item whose path leads to no object is listed in `unplaced`. */
export function applyPayload(merged: IncrementalAnswer['merged'], received: IncrementalPayload, unplaced: IncrementalAnswer['unplaced']): void {
  // Merged from a copy: the payloads stay as they arrived.
  const payload = structuredClone(received);
  if ('data' in payload) merged.data = payload.data;
  merged.errors.push(...(payload.errors ?? []));
  for (const item of payload.incremental ?? []) {
    merged.errors.push(...(item.errors ?? []));
    let target: unknown = merged.data;
    for (const key of item.path) target = (target as Record<string | number, unknown> | null | undefined)?.[key];
    if (item.data === null) continue;
    if (!target || typeof target !== 'object') unplaced.push(item.path);
    else mergeInto(target as Record<string, unknown>, item.data);
  }
}

export async function postIncremental(
  url: string,
  body: { query: string; variables?: Record<string, unknown>; operationName?: string },
  headers: Record<string, string> = {},
  onPayload?: (payload: IncrementalPayload) => void | Promise<void>,
): Promise<IncrementalAnswer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: INCREMENTAL_ACCEPT, ...headers },
    body: JSON.stringify(body),
  });
  const answer: IncrementalAnswer = {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    payloads: [],
    merged: { errors: [] },
    unplaced: [],
  };
  const parts = await meros<IncrementalPayload>(response);
  if (parts instanceof Response) {
    const payload = (await parts.json()) as IncrementalPayload;
    answer.payloads.push(payload);
    applyPayload(answer.merged, payload, answer.unplaced);
    return answer;
  }
  for await (const part of parts) {
    if (!part.json) throw new Error(`a multipart part that is not JSON: ${String(part.body)}`);
    answer.payloads.push(part.body);
    await onPayload?.(part.body);
    applyPayload(answer.merged, part.body, answer.unplaced);
  }
  return answer;
}
