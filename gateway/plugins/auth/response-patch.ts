import type { GraphQLFormattedError } from 'graphql';
import { GatewayErrorCode } from '../../errors.js';
import type { RemovedField } from './operation-filter.js';

/** The message on every error for a removed field (the same words as Apollo Router). */
export const UNAUTHORIZED_MESSAGE = 'Unauthorized field or type.';
/** Errors listed per response; the rest are summarised in one more error, so a long list stays cheap. */
export const MAX_UNAUTHORIZED_ERRORS = 100;

type Json = Record<string, unknown>;

function visitObjects(value: unknown, keys: readonly string[], depth: number, path: Array<string | number>, each: (object: Json, path: Array<string | number>) => void): void {
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      path.push(index);
      visitObjects(value[index], keys, depth, path, each);
      path.pop();
    }
    return;
  }
  if (depth === keys.length) return each(value as Json, path);
  path.push(keys[depth]);
  visitObjects((value as Json)[keys[depth]], keys, depth + 1, path, each);
  path.pop();
}

export function unauthorizedError(path: ReadonlyArray<string | number>): GraphQLFormattedError {
  return { message: UNAUTHORIZED_MESSAGE, path, extensions: { code: GatewayErrorCode.UNAUTHORIZED_FIELD_OR_TYPE } };
}

/**
 * Puts `null` where each removed field would have been (in every list element on the way) and returns
 * one error per concrete path; also drops the placeholder `__typename`s. Mutates `data`, which the
 * pipeline built for this response alone.
 */
export function patchResponse(
  data: Json | null | undefined,
  removed: readonly RemovedField[],
  placeholders: ReadonlyArray<readonly string[]>,
  placeholderKey: string,
): GraphQLFormattedError[] {
  const errors: GraphQLFormattedError[] = [];
  let unlisted = 0;
  for (const field of removed) {
    const parentKeys = field.path.slice(0, -1);
    const key = field.path[field.path.length - 1];
    if (data === null || data === undefined) {
      // Nothing ran (every root field removed): one error per removed field, at its query path.
      errors.push(unauthorizedError(field.path));
      continue;
    }
    visitObjects(data, parentKeys, 0, [], (object, path) => {
      if (field.onType && typeof object.__typename === 'string' && object.__typename !== field.onType) return;
      object[key] = null;
      if (errors.length < MAX_UNAUTHORIZED_ERRORS) errors.push(unauthorizedError([...path, key]));
      else unlisted++;
    });
  }
  if (unlisted) {
    errors.push({ message: `${UNAUTHORIZED_MESSAGE} ${unlisted} more fields are null for the same reason.`, extensions: { code: GatewayErrorCode.UNAUTHORIZED_FIELD_OR_TYPE } });
  }
  if (data) {
    for (const path of placeholders) visitObjects(data, path, 0, [], (object) => void delete object[placeholderKey]);
  }
  return errors;
}
