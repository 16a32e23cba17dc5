import type { GraphQLFormattedError } from 'graphql';
import { GatewayErrorCode } from '../../errors.js';
import type { RemovalNode, RemovedKey } from './operation-filter.js';

/** The message on every error for a removed field (the same words as Apollo Router). */
export const UNAUTHORIZED_MESSAGE = 'Unauthorized field or type.';
/** Errors listed per response; the rest are summarised in one more error, so a long list stays cheap. */
export const MAX_UNAUTHORIZED_ERRORS = 100;

type Json = Record<string, unknown>;
type Path = Array<string | number>;

export function unauthorizedError(path: ReadonlyArray<string | number>): GraphQLFormattedError {
  return { message: UNAUTHORIZED_MESSAGE, path, extensions: { code: GatewayErrorCode.UNAUTHORIZED_FIELD_OR_TYPE } };
}

class ErrorList {
  readonly errors: GraphQLFormattedError[] = [];
  unlisted = 0;
  add(path: Path): void {
    if (this.errors.length < MAX_UNAUTHORIZED_ERRORS) this.errors.push(unauthorizedError([...path]));
    else this.unlisted++;
  }
  get full(): boolean {
    return this.errors.length >= MAX_UNAUTHORIZED_ERRORS;
  }
  finish(): GraphQLFormattedError[] {
    if (this.unlisted) {
      this.errors.push({
        message: `${UNAUTHORIZED_MESSAGE} ${this.unlisted} more fields are null for the same reason.`,
        extensions: { code: GatewayErrorCode.UNAUTHORIZED_FIELD_OR_TYPE },
      });
    }
    return this.errors;
  }
}

/** What was done to one response object: keys nulled, and nodes applied (each fragment subtree once). */
interface ObjectPatch {
  nulled: Set<string>;
  applied: Set<RemovalNode>;
}

/** Applies one removal node (and the fragment subtrees spread at its level) to one response object. */
function patchObject(object: Json, node: RemovalNode, path: Path, errors: ErrorList, patch: ObjectPatch): void {
  if (patch.applied.has(node)) return;
  patch.applied.add(node);
  for (const removed of node.removed) patchKey(object, removed, path, errors, patch.nulled);
  for (const [key, child] of node.children) {
    path.push(key);
    patchValue(object[key], child, path, errors);
    path.pop();
  }
  for (const spread of node.spreads) patchObject(object, spread, path, errors, patch);
}

/**
 * Where the placeholder answered, the removed field was selected: its key takes the placeholder's
 * place with `null` (unless a selection the caller may see already filled it), in query order.
 */
function patchKey(object: Json, { key, placeholder }: RemovedKey, path: Path, errors: ErrorList, nulled: Set<string>): void {
  if (!(placeholder in object)) return;
  if (key in object) {
    delete object[placeholder];
    return;
  }
  const entries = Object.entries(object);
  for (const [name] of entries) delete object[name];
  for (const [name, value] of entries) {
    if (name === placeholder) object[key] = null;
    else object[name] = value;
  }
  // The same field selected twice (directly and in a fragment) is one null and one error.
  if (nulled.has(key)) return;
  nulled.add(key);
  path.push(key);
  errors.add(path);
  path.pop();
}

function patchValue(value: unknown, node: RemovalNode, path: Path, errors: ErrorList): void {
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      path.push(index);
      patchValue(value[index], node, path, errors);
      path.pop();
    }
    return;
  }
  patchObject(value as Json, node, path, errors, { nulled: new Set(), applied: new Set() });
}

/** Removed keys at `node`'s level, from the node itself and the fragments spread there (each fragment once). */
function queryPaths(node: RemovalNode, path: string[], errors: ErrorList, seen: Set<RemovalNode>, keys: Set<string>): void {
  if (seen.has(node) || errors.full) return;
  seen.add(node);
  for (const { key } of node.removed) {
    if (keys.has(key)) continue;
    keys.add(key);
    errors.add([...path, key]);
  }
  for (const spread of node.spreads) queryPaths(spread, path, errors, seen, keys);
}

/**
 * Puts `null` where each removed field would have been (in every list element on the way) and returns
 * one error per concrete path. The walk follows the
 * response, guided by the removal tree, so it is linear in the response. Mutates `data`, which the
 * pipeline built for this response alone.
 */
export function patchResponse(data: Json | null | undefined, removed: RemovalNode): GraphQLFormattedError[] {
  const errors = new ErrorList();
  if (data === null || data === undefined) {
    // Nothing ran (every root field removed): one error per removed root field, at its query path.
    queryPaths(removed, [], errors, new Set(), new Set());
    return errors.finish();
  }
  patchObject(data, removed, [], errors, { nulled: new Set(), applied: new Set() });
  return errors.finish();
}

/**
 * The same for one `@defer` payload item: the removal tree is followed from the root down the item's
 * path, through a sparse stand-in for the response above it, so only the item's own objects are
 * patched; its errors get one UNAUTHORIZED_FIELD_OR_TYPE per removed field found there.
 */
export function patchIncrementalItem(
  item: { data: Json | null; path: ReadonlyArray<string | number>; errors: GraphQLFormattedError[] },
  removed: RemovalNode,
): void {
  if (!item.data) return;
  let above: unknown = item.data;
  for (let i = item.path.length - 1; i >= 0; i--) {
    const key = item.path[i]!;
    if (typeof key === 'number') {
      const list: unknown[] = new Array(key + 1);
      list[key] = above;
      above = list;
    } else {
      above = { [key]: above };
    }
  }
  const errors = new ErrorList();
  patchValue(above, removed, [], errors);
  item.errors.push(...errors.finish());
}
