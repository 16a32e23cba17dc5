import type { GraphQLDataSource } from '@apollo/gateway';
import { type FetchNode, type PlanNode, type ResponsePath } from '@apollo/query-planner';
import type { GatewayGraphQLRequestContext, GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { GraphQLError, type DocumentNode, type GraphQLSchema } from 'graphql';
import { MAX_ERROR_PATHS_PER_FETCH } from '../error-paths.js';
import { isRequestDeadline } from '../failure.js';
import { applyRewrites, collectAtPath, deepMerge, isObject, type Json } from './data-tree.js';
import { DistinctRepresentations } from './entity-representations.js';
import { contextGroups, type ContextGroups } from './context-values.js';
import { groupedEntitiesOperation } from './grouped-entities-operation.js';

/**
 * Runs the nodes of one Apollo query plan: fetches in parallel where the plan says so, each answer
 * merged in place into one data tree (no copies, no intermediate arrays when walking paths).
 */

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
  /**
   * Every entity gets its own copy of an answer its representation shares with others (see
   * fetchEntities): set when the supergraph uses @context, whose values depend on where an entity is.
   */
  readonly unsharedAnswers?: boolean;
}

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

  let groups: ContextGroups | undefined;
  if (fetch.contextRewrites?.length) {
    // Contextual arguments come from the data, never from the client's variables.
    for (const rewrite of fetch.contextRewrites) delete variables[rewrite.renameKeyTo];
    groups = contextGroups(schema, run.data, cursorPath, fetch.contextRewrites, entities);
    if (!groups) throw new Error('Could not locate the context values of an entity fetch');
  }

  if (!fetch.requires) {
    if (groups) Object.assign(variables, groups.variables[0]);
    const request = { query: fetch.operation, document: fetch.operationDocumentNode, variables };
    const response = await send(run, dataSource, fetch, request, cursorPath, (errorPath) => [[...cursorPath, ...errorPath]]);
    if (response) applyRewrites(schema, fetch.outputRewrites, response);
    for (const entity of entities) if (isObject(entity)) deepMerge(entity, response);
    return;
  }
  if (!groups || groups.variables.length === 1) {
    return fetchEntities(run, dataSource, fetch, variables, cursorPath, [{ entities, indexes: undefined, context: groups?.variables[0] ?? {} }]);
  }
  const members: number[][] = groups.variables.map(() => []);
  for (let i = 0; i < entities.length; i++) members[groups.groupOf[i]!]!.push(i);
  const byContext = members.map((indexes, g) => ({ entities: indexes.map((i) => entities[i]), indexes, context: groups.variables[g]! }));
  return fetchEntities(run, dataSource, fetch, variables, cursorPath, byContext);
}

/** Entities of one entity fetch that read the same @context values (all of them, without context). */
interface EntityGroup {
  entities: unknown[];
  /** Their positions among all the fetch's entities (for error paths); undefined: they are all of them. */
  indexes: readonly number[] | undefined;
  /** The contextual variables they read. */
  context: Readonly<Record<string, unknown>>;
}

/**
 * One `_entities` request for the groups' entities: with one group, the planner's operation; with
 * several, one aliased `_entities` per group (see groupedEntitiesOperation). Each group sends each
 * of its distinct representations once and merges the answer into every entity that had it.
 */
async function fetchEntities(
  run: PlanRun,
  dataSource: GraphQLDataSource,
  fetch: FetchNode,
  variables: Json,
  cursorPath: ResponsePath,
  groups: readonly EntityGroup[],
): Promise<void> {
  const schema = run.supergraphSchema;
  // Entity fetches repeat representations (the benchmark's heavy query: 465 per request, 27 distinct).
  const sent: Array<EntityGroup & { distinct: DistinctRepresentations }> = [];
  for (const group of groups) {
    const distinct = new DistinctRepresentations(schema, fetch, group.entities.length);
    for (let i = 0; i < group.entities.length; i++) distinct.add(group.entities[i], i);
    if (distinct.representations.length > 0) sent.push({ ...group, distinct });
  }
  if (sent.length === 0) return;
  if ('representations' in variables) throw new Error('Variables cannot contain key "representations"');
  let query = fetch.operation;
  let document = fetch.operationDocumentNode;
  let keys: string[] = ['_entities'];
  let entityLists: Record<string, number> | undefined;
  if (sent.length === 1) {
    Object.assign(variables, sent[0]!.context);
    variables.representations = sent[0]!.distinct.representations;
  } else {
    const grouped = groupedEntitiesOperation(fetch, sent.length);
    query = grouped.query;
    document = undefined;
    keys = sent.map((_, g) => `_${g}`);
    entityLists = {};
    sent.forEach((group, g) => {
      variables[`representations${grouped.separator}${g}`] = group.distinct.representations;
      for (const name in group.context) variables[`${name}${grouped.separator}${g}`] = group.context[name];
      entityLists![keys[g]!] = group.distinct.representations.length;
    });
  }

  let entityPaths: Array<Array<string | number>> | undefined;
  const pathOfEntity = (group: EntityGroup, entity: number): Array<string | number> => {
    if (!entityPaths) {
      // Only when an entity fetch reports errors: the response path of every entity, in the same order.
      entityPaths = [];
      collectAtPath(schema, run.data, cursorPath, 0, [], [], entityPaths);
    }
    return entityPaths[group.indexes ? group.indexes[entity]! : entity] ?? [];
  };
  const locate = (errorPath: ReadonlyArray<string | number>): ResponsePath[] => {
    const g = keys.indexOf(errorPath[0] as string);
    if (g === -1) return [[...cursorPath, ...errorPath]];
    const group = sent[g]!;
    const index = errorPath[1];
    // An error at one representation belongs to every entity that had it; one at the list as a
    // whole to every entity of the group.
    const owners = group.distinct.entitiesOf(typeof index === 'number' ? index : undefined);
    const rest = typeof index === 'number' ? errorPath.slice(2) : [];
    return owners.slice(0, MAX_ERROR_PATHS_PER_FETCH).map((entity) => [...pathOfEntity(group, entity), ...rest]);
  };
  const response = await send(run, dataSource, fetch, { query, document, variables, entityLists }, cursorPath, locate);
  if (!response) return;
  // Entities with one representation get one answer. Merged as it is, its objects would stand at
  // every such entity's path; harmless while a value depends only on the entity, wrong once a later
  // fetch reads @context values from above it, which differ per path: then each gets a copy.
  const merged = run.unsharedAnswers ? new Set<unknown>() : undefined;
  sent.forEach((group, g) => {
    const received = response[keys[g]!];
    // A group's list nulled with errors (already reported at its paths) leaves the other groups to merge.
    if (received === null && keys.length > 1) return;
    const { representations, representationOf } = group.distinct;
    if (!Array.isArray(received)) throw new Error(`Expected "data.${keys[g]}" in response to be an array`);
    if (received.length !== representations.length) throw new Error(`Expected "data.${keys[g]}" to contain ${representations.length} elements`);
    for (let index = 0; index < group.entities.length; index++) {
      const u = representationOf[index]!;
      if (u === -1) continue;
      let answer = received[u];
      if (merged && isObject(answer)) {
        if (merged.has(answer)) answer = structuredClone(answer);
        else merged.add(answer);
      }
      const entity = group.entities[index] as Json;
      if (isObject(answer) && !answer.__typename) answer.__typename = entity.__typename;
      applyRewrites(schema, fetch.outputRewrites, answer);
      deepMerge(entity, answer);
    }
  });
}

/** What one fetch sends: the planner's operation, or the grouped one (see fetchEntities). */
interface FetchRequest {
  query: string;
  document: DocumentNode | undefined;
  variables: Json;
  /** The entity lists the answer must hold, when not `_entities` (PlanFetchOptions). */
  entityLists?: Record<string, number>;
}

async function send(
  run: PlanRun,
  dataSource: GraphQLDataSource,
  fetch: FetchNode,
  { query, document, variables, entityLists }: FetchRequest,
  cursorPath: ResponsePath,
  locate: (errorPath: ReadonlyArray<string | number>) => ResponsePath[],
): Promise<Json | null | undefined> {
  const response = await dataSource.process({
    // GraphQLDataSourceRequestKind.INCOMING_OPERATION (the enum is not exported by @apollo/gateway's index).
    kind: 'incoming operation',
    request: { query, variables, operationName: fetch.operationName },
    incomingRequestContext: run.requestContext,
    context: run.context,
    document,
    pathInIncomingRequest: cursorPath,
    representationsUnique: true,
    entityLists,
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
      // Past the request's deadline the fetch still goes to the data source, which fails it at once
      // with SUBGRAPH_TIMEOUT at its paths: the client is waiting and is told what is missing.
      if (run.signal?.aborted && !isRequestDeadline(run.signal.reason)) return;
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
