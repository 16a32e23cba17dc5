import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';

/**
 * Entity fetches repeat representations: the benchmark's heavy query sends 465 per request, only 27
 * of them distinct (FIELD-NOTES). Sending each distinct one once shrinks the request, the subgraph's
 * work and the response to parse; the answer is expanded back so the executor sees what it asked for.
 */
export interface DedupedRepresentations {
  /** Distinct representations, in first-seen order: what the subgraph receives. */
  unique: unknown[];
  /** For each original index, the index of its representation in `unique`. */
  uniqueIndexOf: Uint32Array;
}

/** Collapses identical representations; undefined when there is nothing to collapse. */
export function dedupeRepresentations(representations: readonly unknown[]): DedupedRepresentations | undefined {
  if (representations.length < 2) return undefined;
  const indexByKey = new Map<string, number>();
  const unique: unknown[] = [];
  const uniqueIndexOf = new Uint32Array(representations.length);
  for (let i = 0; i < representations.length; i++) {
    // Representations are small JSON objects built by the executor in a fixed key order.
    const key = JSON.stringify(representations[i]);
    let index = indexByKey.get(key);
    if (index === undefined) {
      index = unique.length;
      indexByKey.set(key, index);
      unique.push(representations[i]);
    }
    uniqueIndexOf[i] = index;
  }
  return unique.length === representations.length ? undefined : { unique, uniqueIndexOf };
}

/**
 * Maps a response to the deduplicated request back onto the original representations: `_entities`
 * regains one entry per original index (equal representations share the answer, as they would have
 * received equal ones), and an error at `_entities.<u>` is reported at every original index of `u`.
 */
export function expandEntitiesResponse(response: GatewayGraphQLResponse, deduped: DedupedRepresentations): GatewayGraphQLResponse {
  const { uniqueIndexOf } = deduped;
  const entities = response.data?._entities;
  let data = response.data;
  if (Array.isArray(entities) && entities.length === deduped.unique.length) {
    const expanded = new Array<unknown>(uniqueIndexOf.length);
    for (let i = 0; i < uniqueIndexOf.length; i++) expanded[i] = entities[uniqueIndexOf[i]];
    data = { ...response.data, _entities: expanded };
  }
  let errors = response.errors;
  if (errors?.some((e) => e.path?.[0] === '_entities' && typeof e.path[1] === 'number')) {
    const originalsOf = new Map<number, number[]>();
    uniqueIndexOf.forEach((u, i) => originalsOf.set(u, [...(originalsOf.get(u) ?? []), i]));
    errors = errors.flatMap((error) => {
      const path = error.path;
      if (path?.[0] !== '_entities' || typeof path[1] !== 'number') return [error];
      return (originalsOf.get(path[1]) ?? [path[1]]).map((original) => ({ ...error, path: ['_entities', original, ...path.slice(2)] }));
    });
  }
  return { ...response, data, errors };
}
