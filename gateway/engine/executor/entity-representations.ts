import type { FetchNode, QueryPlanSelectionNode } from '@apollo/query-planner';
import type { GraphQLSchema } from 'graphql';
import { applyRewrites, deepMerge, isObject, isObjectOfType, type Json } from './data-tree.js';

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
interface FlatRequires {
  fragments: Array<{ typeCondition: string; keys: string[] }>;
}

const flatRequiresCache = new WeakMap<FetchNode, FlatRequires | null>();

function flatRequiresOf(fetch: FetchNode): FlatRequires | undefined {
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

const hasOwn = (value: Json, key: string): boolean => Object.prototype.hasOwnProperty.call(value, key);

/** A key field the entity lacks (no representation), or one holding an object (not flat after all). */
const MISSING = Symbol('missing');
const NOT_LEAF = Symbol('not a leaf');

function leafOf(entity: Json, key: string): unknown {
  const value = hasOwn(entity, key) ? entity[key] : undefined;
  if (value === undefined) return MISSING;
  return value !== null && typeof value === 'object' ? NOT_LEAF : value;
}

/**
 * The representation of an entity whose one matching fragment selects only `keys`, every one a leaf
 * (checked by the caller): what selectRepresentation builds, same keys in the same order, without
 * its object per fragment and merge (those were ~9 % of a heavy query's allocation).
 */
function flatRepresentation(entity: Json, keys: readonly string[]): Json {
  const representation: Json = {};
  for (let k = 0; k < keys.length; k++) representation[keys[k]!] = entity[keys[k]!];
  return representation;
}

/**
 * What tells apart entities of one group: the last key field's value when there are at most two,
 * else one string of every field after the first — a comma-separated run of JSON scalars (strings
 * quoted and escaped), which cannot be read two ways.
 */
function restOf(entity: Json, keys: readonly string[]): unknown {
  if (keys.length <= 2) return leafOf(entity, keys[keys.length - 1]!);
  let joined = '';
  for (let k = 1; k < keys.length; k++) {
    const value = leafOf(entity, keys[k]!);
    if (value === MISSING || value === NOT_LEAF) return value;
    joined += (k > 1 ? ',' : '') + (typeof value === 'string' ? JSON.stringify(value) : String(value));
  }
  return joined;
}

/**
 * The distinct representations of one entity fetch and the entities that share each. A flat
 * representation is recognised from its raw values (Map compares `1` and `"1"` apart, as JSON does;
 * past two key fields, from one string of them), so a repeated entity costs lookups and no object;
 * any other is built and compared by its JSON.
 */
export class DistinctRepresentations {
  readonly representations: unknown[] = [];
  /**
   * For each entity, the index of its representation, or -1 (none). One typed array per fetch: a
   * list of entities per representation grew by copying, a measured ~8 % of a heavy query's allocation.
   */
  readonly representationOf: Int32Array;
  private readonly flat: FlatRequires | undefined;
  private readonly byValues: Array<Map<unknown, Map<unknown, number>> | undefined> = [];
  private byJson: Map<string, number> | undefined;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fetch: FetchNode,
    entities: number,
  ) {
    this.flat = fetch.inputRewrites?.length ? undefined : flatRequiresOf(fetch);
    this.representationOf = new Int32Array(entities).fill(-1);
  }

  /** The indexes of the entities representation `r` stands for (all that have one without `r`): for error paths only. */
  entitiesOf(r?: number): number[] {
    const owners: number[] = [];
    for (let i = 0; i < this.representationOf.length; i++) {
      const of = this.representationOf[i]!;
      if (of !== -1 && (r === undefined || of === r)) owners.push(i);
    }
    return owners;
  }

  /** Adds the entity at `index` (an entity with no representation is left out). */
  add(entity: unknown, index: number): void {
    if (this.flat && isObject(entity) && this.addFlat(this.flat, entity, index)) return;
    const representation = selectRepresentation(this.schema, entity, this.fetch.requires!);
    if (!isObject(representation) || !representation.__typename) return;
    applyRewrites(this.schema, this.fetch.inputRewrites, representation);
    const key = JSON.stringify(representation);
    const map = (this.byJson ??= new Map());
    const known = map.get(key);
    if (known !== undefined) this.representationOf[index] = known;
    else map.set(key, this.push(representation, index));
  }

  /** False when the entity is not flat after all (an object value, several fragments apply). */
  private addFlat(flat: FlatRequires, entity: Json, index: number): boolean {
    let matched = -1;
    for (let f = 0; f < flat.fragments.length; f++) {
      if (!isObjectOfType(this.schema, entity, flat.fragments[f]!.typeCondition)) continue;
      if (matched !== -1) return false;
      matched = f;
    }
    if (matched === -1) return true;
    const keys = flat.fragments[matched]!.keys;
    // The first of several key fields (usually `__typename`: few values) picks a map, restOf the key
    // in it; with one key field every entity is in the same map. A map per field per distinct entity
    // cost a map per level for each of the hundreds of distinct entities of a heavy query (~13 % of
    // its allocation).
    const group = keys.length > 1 ? leafOf(entity, keys[0]!) : undefined;
    if (group === MISSING || group === NOT_LEAF) return group === MISSING;
    const rest = restOf(entity, keys);
    if (rest === MISSING || rest === NOT_LEAF) return rest === MISSING;
    const byGroup = (this.byValues[matched] ??= new Map());
    let byRest = byGroup.get(group);
    if (!byRest) byGroup.set(group, (byRest = new Map()));
    const known = byRest.get(rest);
    if (known !== undefined) this.representationOf[index] = known;
    else byRest.set(rest, this.push(flatRepresentation(entity, keys), index));
    return true;
  }

  private push(representation: unknown, index: number): number {
    const r = this.representations.push(representation) - 1;
    this.representationOf[index] = r;
    return r;
  }
}
