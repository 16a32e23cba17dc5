import type { FetchDataKeyRenamer, PlanNode, ResponsePath } from '@apollo/query-planner';
import type { GraphQLSchema } from 'graphql';
import { isObject, isObjectOfType } from './data-tree.js';
import { somePlanNode } from './plan-nodes.js';

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
  return somePlanNode(node, (fetch) => fetch.kind === 'Fetch' && Boolean(fetch.contextRewrites?.length));
}

/** The value at `path` from `start` (a field over a list reads it from every element); undefined: nothing there. */
function valueAt(schema: GraphQLSchema, start: unknown, path: readonly string[], index: number): unknown {
  let value = start;
  for (let i = index; i < path.length; i++) {
    if (value === null || value === undefined) return undefined;
    if (Array.isArray(value)) {
      // A list value (the selection crosses a list field): elements with nothing there are null.
      const rest = value.map((item) => valueAt(schema, item, path, i));
      return rest.length > 0 && rest.every((item) => item === undefined) ? undefined : rest.map((item) => (item === undefined ? null : item));
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
 * Walks from `root` along `cursorPath` as collectAtPath does (`@` walks a list, a field name over a
 * list applies to each element, `... on T` keeps objects of type T), calling `atEntity` for each
 * non-null value at its end with the objects above it (nearest last).
 */
function walkEntities(
  schema: GraphQLSchema,
  root: unknown,
  cursorPath: ResponsePath,
  atEntity: (value: unknown, ancestors: readonly object[]) => void,
): void {
  const ancestors: object[] = [];
  const walk = (value: unknown, index: number): void => {
    if (value === null || value === undefined) return;
    if (index === cursorPath.length) return atEntity(value, ancestors);
    const segment = cursorPath[index];
    if (Array.isArray(value)) {
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
}

/**
 * Groups the fetch's `entities` (found again from the root along `cursorPath`, in the order
 * collectAtPath found them, with the objects above each) by the context values they read.
 * Undefined when the walk does not find the fetch's entities (never expected). An entity object
 * stands at one path only: on a supergraph using @context, merging copies shared answers
 * (PlanRun.unsharedAnswers), so each path reads its own ancestors.
 */
export function contextGroups(
  schema: GraphQLSchema,
  root: unknown,
  cursorPath: ResponsePath,
  rewrites: readonly FetchDataKeyRenamer[],
  entities: readonly unknown[],
): ContextGroups | undefined {
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

  const groupOf = new Uint32Array(entities.length);
  const variables: Array<Record<string, unknown>> = [];
  const groupByKey = new Map<string, number>();
  let found = 0;
  let aligned = true;
  walkEntities(schema, root, cursorPath, (value, ancestors) => {
    if (found >= entities.length || value !== entities[found]) {
      aligned = false;
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
    let g = groupByKey.get(key);
    if (g === undefined) {
      const groupVariables: Record<string, unknown> = {};
      for (let n = 0; n < names.length; n++) if (chosen[n] !== ABSENT) groupVariables[names[n]!] = values[chosen[n]!];
      g = variables.push(groupVariables) - 1;
      groupByKey.set(key, g);
    }
    groupOf[found++] = g;
  });
  return aligned && found === entities.length ? { groupOf, variables } : undefined;
}
