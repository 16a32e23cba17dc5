import type { FetchDataKeyRenamer, PlanNode, ResponsePath } from '@apollo/query-planner';
import type { GraphQLSchema } from 'graphql';
import { isObject, isObjectOfType } from './data-tree.js';

/**
 * `@context` / `@fromContext` (Federation 2.8, https://specs.apollo.dev/context/v0.1): a field
 * argument whose value the gateway reads from an ancestor of the entity and passes to the subgraph
 * as a variable. The planner says where, per fetch (`contextRewrites`): each rewrite is a path
 * relative to the entity the fetch is for — `..` steps up one field (past the lists it holds),
 * `... on T` keeps only objects of type T, any other segment reads a field — and the variable it
 * fills (`renameKeyTo`). Several rewrites may fill one variable (one per type of a union or
 * interface context); the first that finds a value wins, as in Apollo Router.
 */

/** The context feature links Switchyard's executor implements (Apollo's executor does not). */
export const CONTEXT_FEATURES: ReadonlySet<string> = new Set(['https://specs.apollo.dev/context/v0.1']);

const PARENT = '..';
/** A value id meaning: the path led nowhere (the variable is left out). */
const ABSENT = -1;
const FRAGMENT_PREFIX = '... on ';

/** Entities that read the same context values, fetched together. */
export interface ContextGroups {
  /** For each entity, in the fetch's order, the index of its group. */
  groupOf: Uint32Array;
  /** Each group's contextual variables (a variable whose path led nowhere is absent). */
  variables: Array<Record<string, unknown>>;
}

/** True when some fetch of the plan reads context values. */
export function readsContext(node: PlanNode | undefined): boolean {
  if (!node) return false;
  switch (node.kind) {
    case 'Sequence':
    case 'Parallel':
      return node.nodes.some(readsContext);
    case 'Flatten':
      return readsContext(node.node);
    case 'Condition':
      return readsContext(node.ifClause) || readsContext(node.elseClause);
    case 'Defer':
      return readsContext(node.primary.node) || node.deferred.some((deferred) => readsContext(deferred.node));
    case 'Fetch':
      return Boolean(node.contextRewrites?.length);
  }
}

/** The value at `path` from `start` (a field over a list reads it from every element); undefined: nothing there. */
function valueAt(schema: GraphQLSchema, start: unknown, path: readonly string[], index: number): unknown {
  let value = start;
  for (let i = index; i < path.length; i++) {
    if (value === null || value === undefined) return undefined;
    if (Array.isArray(value)) {
      const rest = value.map((item) => valueAt(schema, item, path, i));
      return rest.every((item) => item === undefined) ? undefined : rest.map((item) => (item === undefined ? null : item));
    }
    if (!isObject(value)) return undefined;
    const segment = path[i]!;
    if (segment.startsWith(FRAGMENT_PREFIX)) {
      if (!isObjectOfType(schema, value, segment.slice(FRAGMENT_PREFIX.length))) return undefined;
      continue;
    }
    value = Object.prototype.hasOwnProperty.call(value, segment) ? value[segment] : undefined;
  }
  return value;
}

/**
 * Groups the entities at `cursorPath` (the fetch's entities, found again from the root in the same
 * order as collectAtPath finds them, with the objects above each) by the context values they read.
 * Undefined when the walk does not find the fetch's `entityCount` entities (never expected).
 */
export function contextGroups(
  schema: GraphQLSchema,
  root: unknown,
  cursorPath: ResponsePath,
  rewrites: readonly FetchDataKeyRenamer[],
  entityCount: number,
): ContextGroups | undefined {
  const groupOf = new Uint32Array(entityCount);
  const variables: Array<Record<string, unknown>> = [];
  const groupByKey = new Map<string, number>();
  const names = [...new Set(rewrites.map((rewrite) => rewrite.renameKeyTo))];
  const nameOf = rewrites.map((rewrite) => names.indexOf(rewrite.renameKeyTo));
  const upOf = rewrites.map((rewrite) => {
    let up = 0;
    while (rewrite.path[up] === PARENT) up++;
    return up;
  });
  // Each rewrite reads each object once, whatever the number of entities below it, and each distinct
  // value is serialised once: grouping stays linear in the data (entities under one ancestor holding
  // a large value would otherwise cost entities × value size).
  const readFrom = rewrites.map(() => new Map<object, number>());
  const valueIds = new Map<string, number>();
  const values: unknown[] = [];
  const read = (r: number, start: object): number => {
    let id = readFrom[r]!.get(start);
    if (id === undefined) {
      const value = valueAt(schema, start, rewrites[r]!.path, upOf[r]!);
      if (value === undefined) id = ABSENT;
      else {
        const json = JSON.stringify(value);
        id = valueIds.get(json);
        if (id === undefined) valueIds.set(json, (id = values.push(value) - 1));
      }
      readFrom[r]!.set(start, id);
    }
    return id;
  };
  const chosen = new Array<number>(names.length);
  const ancestors: object[] = [];
  let found = 0;
  const walk = (value: unknown, index: number): void => {
    if (value === null || value === undefined) return;
    if (index === cursorPath.length) {
      if (found >= entityCount) {
        found++;
        return;
      }
      chosen.fill(ABSENT);
      for (let r = 0; r < rewrites.length; r++) {
        if (chosen[nameOf[r]!] !== ABSENT) continue;
        const up = upOf[r]!;
        const start = up > 0 ? ancestors[ancestors.length - up] : isObject(value) ? value : undefined;
        if (start !== undefined) chosen[nameOf[r]!] = read(r, start);
      }
      const key = chosen.join(',');
      let group = groupByKey.get(key);
      if (group === undefined) {
        const groupVariables: Record<string, unknown> = {};
        for (let n = 0; n < names.length; n++) if (chosen[n] !== ABSENT) groupVariables[names[n]!] = values[chosen[n]!];
        group = variables.push(groupVariables) - 1;
        groupByKey.set(key, group);
      }
      groupOf[found++] = group;
      return;
    }
    const segment = cursorPath[index];
    if (Array.isArray(value)) {
      // As collectAtPath: `@` walks the list, a field name over a list applies to each element.
      const next = segment === '@' ? index + 1 : index;
      for (const item of value) walk(item, next);
      return;
    }
    if (!isObject(value) || segment === '@') return;
    if (typeof segment === 'string' && segment.startsWith(FRAGMENT_PREFIX)) {
      if (isObjectOfType(schema, value, segment.slice(FRAGMENT_PREFIX.length))) walk(value, index + 1);
      return;
    }
    const key = String(segment);
    if (!Object.prototype.hasOwnProperty.call(value, key)) return;
    ancestors.push(value);
    walk(value[key], index + 1);
    ancestors.pop();
  };
  walk(root, 0);
  return found === entityCount ? { groupOf, variables } : undefined;
}
