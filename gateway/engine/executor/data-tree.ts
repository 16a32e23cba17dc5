import type { FetchDataRewrite, ResponsePath } from '@apollo/query-planner';
import { isAbstractType, type GraphQLSchema } from 'graphql';

/**
 * The merged data tree of one execution (parsed subgraph JSON): walking plan paths, type checks by
 * `__typename`, deep merge of answers in place, and the planner's data rewrites.
 */

export type Json = Record<string, unknown>;

const FRAGMENT_PREFIX = '... on ';

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `obj.__typename` is `typeCondition` or one of its subtypes (unknown typename: `whenUnknown`). */
export function isObjectOfType(schema: GraphQLSchema, obj: Json, typeCondition: string, whenUnknown = false): boolean {
  const typename = obj.__typename;
  if (typeof typename !== 'string' || typename === '') return whenUnknown;
  if (typename === typeCondition) return true;
  const type = schema.getType(typename);
  const condition = schema.getType(typeCondition);
  if (!type || !condition || !isAbstractType(condition)) return false;
  return 'getInterfaces' in type && schema.isSubType(condition, type as never);
}

/** Deep merge of a subgraph's answer into the tree, as Apollo's executor merges (equal-length lists by index). */
export function deepMerge(target: Json, source: unknown): void {
  if (!isObject(source)) return;
  for (const key in source) {
    const value = source[key];
    if (value === undefined || key === '__proto__') continue;
    const existing = target[key];
    if (existing && isObject(value) && typeof existing === 'object') {
      deepMerge(existing as Json, value);
    } else if (Array.isArray(value) && Array.isArray(existing) && value.length === existing.length) {
      for (let i = 0; i < value.length; i++) {
        if (isObject(existing[i]) && isObject(value[i])) deepMerge(existing[i] as Json, value[i]);
        else existing[i] = value[i];
      }
    } else {
      target[key] = value;
    }
  }
}

/** Collects the non-null values at `path` below `value` (`@` walks a list); `paths` gets each one's response path. */
export function collectAtPath(
  schema: GraphQLSchema,
  value: unknown,
  path: ResponsePath,
  index: number,
  into: unknown[],
  current?: Array<string | number>,
  paths?: Array<Array<string | number>>,
): void {
  if (value === null || value === undefined) return;
  if (index === path.length) {
    into.push(value);
    if (paths && current) paths.push(current.slice());
    return;
  }
  const segment = path[index];
  if (Array.isArray(value)) {
    // `@` walks the list; a field name over a list applies to each element (as Apollo's error paths do).
    const next = segment === '@' ? index + 1 : index;
    for (let i = 0; i < value.length; i++) {
      current?.push(i);
      collectAtPath(schema, value[i], path, next, into, current, paths);
      current?.pop();
    }
    return;
  }
  if (!isObject(value) || segment === '@') return;
  if (typeof segment === 'string' && segment.startsWith(FRAGMENT_PREFIX)) {
    if (isObjectOfType(schema, value, segment.slice(FRAGMENT_PREFIX.length))) collectAtPath(schema, value, path, index + 1, into, current, paths);
    return;
  }
  const key = String(segment);
  if (!Object.prototype.hasOwnProperty.call(value, key)) return;
  current?.push(key);
  collectAtPath(schema, value[key], path, index + 1, into, current, paths);
  current?.pop();
}

/** A representation: the `requires` selection read from an entity; null when a required field is missing. */

export function applyRewrites(schema: GraphQLSchema, rewrites: readonly FetchDataRewrite[] | undefined, value: unknown): void {
  if (!rewrites) return;
  for (const rewrite of rewrites) {
    if (rewrite.path.length === 0) continue;
    const last = rewrite.path[rewrite.path.length - 1]!;
    applyAtPath(schema, rewrite.path, 0, value, (obj) => {
      if (rewrite.kind === 'ValueSetter') {
        obj[last] = rewrite.setValueTo;
      } else {
        const moved = Object.prototype.hasOwnProperty.call(obj, last) ? obj[last] : undefined;
        if (moved) {
          obj[rewrite.renameKeyTo] = moved;
          obj[last] = undefined;
        }
      }
    });
  }
}

function applyAtPath(schema: GraphQLSchema, path: readonly string[], index: number, value: unknown, apply: (obj: Json) => void): void {
  if (Array.isArray(value)) {
    for (const item of value) applyAtPath(schema, path, index, item, apply);
    return;
  }
  if (!isObject(value)) return;
  if (index === path.length - 1) return apply(value);
  const segment = path[index]!;
  if (segment.startsWith(FRAGMENT_PREFIX)) {
    if (isObjectOfType(schema, value, segment.slice(FRAGMENT_PREFIX.length), true)) applyAtPath(schema, path, index + 1, value, apply);
    return;
  }
  applyAtPath(schema, path, index + 1, Object.prototype.hasOwnProperty.call(value, segment) ? value[segment] : undefined, apply);
}

/** The coded error a subgraph's error becomes, located in the client's response (as Apollo's executor does). */

/** `prefix` is a leading part of `path` (response paths). */
export function isPrefix(prefix: ReadonlyArray<string | number>, path: ReadonlyArray<string | number>): boolean {
  if (prefix.length > path.length) return false;
  for (let i = 0; i < prefix.length; i++) if (prefix[i] !== path[i]) return false;
  return true;
}
