import type { GraphQLDataSource } from '@apollo/gateway';
import { type FetchDataRewrite, type FetchNode, type PlanNode, type QueryPlanSelectionNode, type ResponsePath } from '@apollo/query-planner';
import type { GatewayGraphQLRequestContext, GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { GraphQLError, isAbstractType, type GraphQLSchema } from 'graphql';
import { MAX_ERROR_PATHS_PER_FETCH } from '../error-paths.js';

/**
 * Runs the nodes of one Apollo query plan: fetches in parallel where the plan says so, each answer
 * merged in place into one data tree (no copies, no intermediate arrays when walking paths).
 */

type Json = Record<string, unknown>;

export interface PlanRun {
  readonly requestContext: GatewayGraphQLRequestContext;
  /** The context the data sources read (headers, signal, response collector): the request's, or a shared run's. */
  readonly context: unknown;
  readonly variables: Readonly<Record<string, unknown>>;
  /** Boolean defaults of the operation's variables, for Condition nodes when the client sent none. */
  readonly variableDefaults: Readonly<Record<string, unknown>>;
  readonly supergraphSchema: GraphQLSchema;
  dataSource(serviceName: string): GraphQLDataSource | undefined;
  readonly data: Json;
  readonly errors: GraphQLError[];
  /** Aborted when the client went away: the fetches not yet started are not made. */
  readonly signal?: AbortSignal;
}

const FRAGMENT_PREFIX = '... on ';

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `obj.__typename` is `typeCondition` or one of its subtypes (unknown typename: `whenUnknown`). */
function isObjectOfType(schema: GraphQLSchema, obj: Json, typeCondition: string, whenUnknown = false): boolean {
  const typename = obj.__typename;
  if (typeof typename !== 'string' || typename === '') return whenUnknown;
  if (typename === typeCondition) return true;
  const type = schema.getType(typename);
  const condition = schema.getType(typeCondition);
  if (!type || !condition || !isAbstractType(condition)) return false;
  return 'getInterfaces' in type && schema.isSubType(condition, type as never);
}

/** Deep merge of a subgraph's answer into the tree, as Apollo's executor merges (equal-length lists by index). */
function deepMerge(target: Json, source: unknown): void {
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
function collectAtPath(
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
function selectRepresentation(schema: GraphQLSchema, source: unknown, selections: readonly QueryPlanSelectionNode[]): unknown {
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

function applyRewrites(schema: GraphQLSchema, rewrites: readonly FetchDataRewrite[] | undefined, value: unknown): void {
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
function downstreamError(
  error: NonNullable<GatewayGraphQLResponse['errors']>[number],
  serviceName: string,
  path: ResponsePath | undefined,
): GraphQLError {
  const extensions: Record<string, unknown> = { ...error.extensions, serviceName };
  if (extensions.code === undefined || extensions.code === null) extensions.code = 'DOWNSTREAM_SERVICE_ERROR';
  return new GraphQLError(error.message || `Error while fetching subquery from service "${serviceName}"`, { path, extensions });
}

async function executeFetch(run: PlanRun, fetch: FetchNode, cursorPath: ResponsePath, entities: unknown[]): Promise<void> {
  const dataSource = run.dataSource(fetch.serviceName);
  if (!dataSource) throw new Error(`Couldn't find service with name "${fetch.serviceName}"`);
  const variables: Json = {};
  for (const name of fetch.variableUsages ?? []) {
    const value = run.variables[name];
    if (value !== undefined && Object.prototype.hasOwnProperty.call(run.variables, name)) variables[name] = value;
  }
  const schema = run.supergraphSchema;

  if (!fetch.requires) {
    const response = await send(run, dataSource, fetch, variables, cursorPath, (errorPath) => [[...cursorPath, ...errorPath]]);
    if (response) applyRewrites(schema, fetch.outputRewrites, response);
    for (const entity of entities) if (isObject(entity)) deepMerge(entity, response);
    return;
  }

  // Entity fetches repeat representations (the benchmark's heavy query: 465 per request, 27 distinct):
  // each distinct one is sent once and its answer merged into every entity that had it.
  const representations: unknown[] = [];
  const entitiesOf: number[][] = [];
  const indexByKey = new Map<string, number>();
  const flat = fetch.inputRewrites?.length ? undefined : flatRequiresOf(fetch);
  for (let i = 0; i < entities.length; i++) {
    const entity = entities[i];
    let key: string | undefined;
    let representation: unknown;
    if (flat && isObject(entity)) {
      key = flatKey(schema, flat, entity);
      if (key === SKIP) continue;
    }
    if (key === undefined) {
      representation = selectRepresentation(schema, entity, fetch.requires);
      if (!isObject(representation) || !representation.__typename) continue;
      applyRewrites(schema, fetch.inputRewrites, representation);
      key = JSON.stringify(representation);
    }
    const known = indexByKey.get(key);
    if (known !== undefined) {
      entitiesOf[known]!.push(i);
      continue;
    }
    indexByKey.set(key, representations.length);
    representations.push(representation ?? selectRepresentation(schema, entity, fetch.requires));
    entitiesOf.push([i]);
  }
  if (representations.length === 0) return;
  if ('representations' in variables) throw new Error('Variables cannot contain key "representations"');
  variables.representations = representations;

  let entityPaths: Array<Array<string | number>> | undefined;
  const pathOfEntity = (entity: number | undefined): Array<string | number> => {
    if (!entityPaths) {
      // Only when an entity fetch reports errors: the response path of every entity, in the same order.
      entityPaths = [];
      collectAtPath(schema, run.data, cursorPath, 0, [], [], entityPaths);
    }
    return entity === undefined ? [] : (entityPaths[entity] ?? []);
  };
  const locate = (errorPath: ReadonlyArray<string | number>): ResponsePath[] => {
    if (errorPath[0] !== '_entities') return [[...cursorPath, ...errorPath]];
    const index = errorPath[1];
    // An error at one representation belongs to every entity that had it; one at `_entities` as a
    // whole to every entity the fetch was for.
    const owners = typeof index === 'number' ? (entitiesOf[index] ?? []) : entitiesOf.flat();
    const rest = typeof index === 'number' ? errorPath.slice(2) : [];
    return owners.slice(0, MAX_ERROR_PATHS_PER_FETCH).map((entity) => [...pathOfEntity(entity), ...rest]);
  };
  const response = await send(run, dataSource, fetch, variables, cursorPath, locate);
  if (!response) return;
  const received = response._entities;
  if (!Array.isArray(received)) throw new Error('Expected "data._entities" in response to be an array');
  if (received.length !== representations.length) throw new Error(`Expected "data._entities" to contain ${representations.length} elements`);
  for (let u = 0; u < received.length; u++) {
    const answer = received[u];
    for (const index of entitiesOf[u]!) {
      const entity = entities[index] as Json;
      if (isObject(answer) && !answer.__typename) answer.__typename = entity.__typename;
      applyRewrites(schema, fetch.outputRewrites, answer);
      deepMerge(entity, answer);
    }
  }
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
const SKIP = '\u0000skip';

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

/**
 * The identity of a flat representation: its fragment and typed values. SKIP when the entity has no
 * representation (no fragment applies, a required field missing); undefined when it is not flat after
 * all (a value is an object, several fragments apply) and must be built and compared as JSON.
 */
function flatKey(schema: GraphQLSchema, flat: FlatRequires, entity: Json): string | undefined {
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

async function send(
  run: PlanRun,
  dataSource: GraphQLDataSource,
  fetch: FetchNode,
  variables: Json,
  cursorPath: ResponsePath,
  locate: (errorPath: ReadonlyArray<string | number>) => ResponsePath[],
): Promise<Json | null | undefined> {
  const response = await dataSource.process({
    // GraphQLDataSourceRequestKind.INCOMING_OPERATION (the enum is not exported by @apollo/gateway's index).
    kind: 'incoming operation',
    request: { query: fetch.operation, variables, operationName: fetch.operationName },
    incomingRequestContext: run.requestContext,
    context: run.context,
    document: fetch.operationDocumentNode,
    pathInIncomingRequest: cursorPath,
    representationsUnique: true,
  } as never);
  if (response.errors) {
    for (const error of response.errors) {
      if (!error.path) run.errors.push(downstreamError(error, fetch.serviceName, undefined));
      else for (const path of locate(error.path)) run.errors.push(downstreamError(error, fetch.serviceName, path));
    }
  }
  return response.data as Json | null | undefined;
}

/** Runs `node` over the values at `cursorPath` (`cursor`: what lies there, a value or a list of them). */
export async function executePlanNode(run: PlanRun, node: PlanNode, cursorPath: ResponsePath, cursor: unknown[]): Promise<void> {
  switch (node.kind) {
    case 'Sequence':
      for (const child of node.nodes) await executePlanNode(run, child, cursorPath, cursor);
      return;
    case 'Parallel':
      await Promise.all(node.nodes.map((child) => executePlanNode(run, child, cursorPath, cursor)));
      return;
    case 'Flatten': {
      const below: unknown[] = [];
      for (const value of cursor) collectAtPath(run.supergraphSchema, value, node.path, 0, below);
      if (below.length === 0) return;
      return executePlanNode(run, node.node, [...cursorPath, ...node.path], below);
    }
    case 'Fetch':
      // The client left: nobody reads the answer (fetches in flight are aborted by the data source).
      if (run.signal?.aborted) return;
      try {
        await executeFetch(run, node, cursorPath, cursor);
      } catch (error) {
        run.errors.push(error instanceof GraphQLError ? error : new GraphQLError((error as Error).message, { originalError: error as Error }));
      }
      return;
    case 'Condition': {
      // The plan's @skip/@include split: the variable's value, or its default when the client sent none.
      const value = Object.prototype.hasOwnProperty.call(run.variables, node.condition)
        ? run.variables[node.condition]
        : run.variableDefaults[node.condition];
      const branch = value === true ? node.ifClause : node.elseClause;
      if (branch) await executePlanNode(run, branch, cursorPath, cursor);
      return;
    }
    case 'Defer':
      throw new Error('@defer plans are executed by the fallback executor');
  }
}
