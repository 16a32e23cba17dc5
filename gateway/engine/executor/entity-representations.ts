import type { FetchNode, QueryPlanSelectionNode } from '@apollo/query-planner';
import type { GraphQLSchema } from 'graphql';
import { deepMerge, isObject, isObjectOfType, type Json } from './data-tree.js';

/** Entity representations an entity fetch sends: built from the `requires` selection, recognised when repeated. */

export function selectRepresentation(schema: GraphQLSchema, source: unknown, selections: readonly QueryPlanSelectionNode[]): unknown {
  if (source === null || source === undefined) return null;
  if (Array.isArray(source)) return source.map((item) => selectRepresentation(schema, item, selections));
  if (!isObject(source)) return source;
  const result: Json = {};
  for (const selection of selections) {
    if (selection.kind === 'Field') {
      const key = selection.alias ?? selection.name;
      const value = Object.prototype.hasOwnProperty.call(source, key) ? source[key] : undefined;
      if (value === undefined) return null;
      result[key] = selection.selections ? selectRepresentation(schema, value, selection.selections) : value;
    } else if (selection.typeCondition && isObjectOfType(schema, source, selection.typeCondition)) {
      const part = selectRepresentation(schema, source, selection.selections);
      if (part === null) return null;
      deepMerge(result, part);
    }
  }
  return result;
}

/**
 * The usual `requires`: inline fragments on entity types selecting leaf fields only (`__typename`
 * and key fields). Their representations are flat, so a duplicate is recognised from its values
 * without building it.
 */
export interface FlatRequires {
  fragments: Array<{ typeCondition: string; keys: string[] }>;
}

const flatRequiresCache = new WeakMap<FetchNode, FlatRequires | null>();
export const SKIP = '\u0000skip';

export function flatRequiresOf(fetch: FetchNode): FlatRequires | undefined {
  let flat = flatRequiresCache.get(fetch);
  if (flat === undefined) {
    flat = { fragments: [] };
    for (const selection of fetch.requires ?? []) {
      if (selection.kind !== 'InlineFragment' || !selection.typeCondition || selection.selections.some((s) => s.kind !== 'Field' || s.selections)) {
        flat = null;
        break;
      }
      flat.fragments.push({
        typeCondition: selection.typeCondition,
        keys: selection.selections.map((s) => (s as { alias?: string; name: string }).alias ?? (s as { name: string }).name),
      });
    }
    flatRequiresCache.set(fetch, flat);
  }
  return flat ?? undefined;
}

/**
 * The identity of a flat representation: its fragment and typed values. SKIP when the entity has no
 * representation (no fragment applies, a required field missing); undefined when it is not flat after
 * all (a value is an object, several fragments apply) and must be built and compared as JSON.
 */
export function flatKey(schema: GraphQLSchema, flat: FlatRequires, entity: Json): string | undefined {
  let matched = -1;
  for (let f = 0; f < flat.fragments.length; f++) {
    if (!isObjectOfType(schema, entity, flat.fragments[f]!.typeCondition)) continue;
    if (matched !== -1) return undefined;
    matched = f;
  }
  if (matched === -1) return SKIP;
  let key = String(matched);
  for (const name of flat.fragments[matched]!.keys) {
    const value = Object.prototype.hasOwnProperty.call(entity, name) ? entity[name] : undefined;
    if (value === undefined) return SKIP;
    if (value !== null && typeof value === 'object') return undefined;
    key += `\u0001${typeof value === 'string' ? 's' : typeof value === 'number' ? 'n' : 'o'}${String(value)}`;
  }
  return key;
}
