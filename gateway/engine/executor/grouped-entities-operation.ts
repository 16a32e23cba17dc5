import type { FetchNode } from '@apollo/query-planner';
import {
  Kind,
  parse,
  print,
  stripIgnoredCharacters,
  visit,
  type ASTNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type VariableDefinitionNode,
} from 'graphql';

/**
 * One subgraph request for an entity fetch whose entities read different `@context` values (as
 * Apollo Router sends it): the fetch's `_entities` field once per group of entities that read the
 * same values, aliased `_<g>`, each with its own representations and contextual variables
 * (`$representations<sep><g>`, `$<variable><sep><g>`). Named fragments that use a contextual
 * variable are copied per group too; the others are shared. The request count stays one per fetch
 * node, whatever the data.
 */

interface ParsedFetch {
  /** The fetch's contextual variables (what its context rewrites fill). */
  contextual: ReadonlySet<string>;
  operation: OperationDefinitionNode;
  entities: FieldNode;
  fragments: readonly FragmentDefinitionNode[];
  /** Fragments that use a contextual variable, directly or through another fragment. */
  contextualFragments: ReadonlySet<string>;
  /** What joins a variable's or fragment's name and its group, chosen so no name of the fetch can clash. */
  separator: string;
  /** The printed operation by group count, for the small counts that recur. */
  printed: Map<number, string>;
}

/**
 * Group counts up to this one keep their printed operation with the fetch (larger ones are printed
 * each time): a few distinct values are the usual case, and the plan cache does not count these.
 */
const PRINTED_GROUP_COUNTS = 4;

const parsedFetches = new WeakMap<FetchNode, ParsedFetch>();

function variablesUsed(node: ASTNode): Set<string> {
  const names = new Set<string>();
  visit(node, { Variable: (variable) => void names.add(variable.name.value) });
  return names;
}

function spreadsOf(node: ASTNode): Set<string> {
  const names = new Set<string>();
  visit(node, { FragmentSpread: (spread) => void names.add(spread.name.value) });
  return names;
}

function parseFetch(fetch: FetchNode): ParsedFetch {
  const contextual = new Set((fetch.contextRewrites ?? []).map((rewrite) => rewrite.renameKeyTo));
  const document: DocumentNode = fetch.operationDocumentNode ?? parse(fetch.operation, { noLocation: true });
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const entities = operation?.selectionSet.selections[0];
  if (!operation || operation.selectionSet.selections.length !== 1 || entities?.kind !== Kind.FIELD || entities.name.value !== '_entities') {
    throw new Error('An entity fetch reading @context values is not a single _entities field');
  }
  const fragments = document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION);
  const contextualFragments = new Set<string>();
  // Until nothing changes: a fragment spreading a contextual fragment is contextual too (no cycles in valid documents).
  for (let changed = true; changed;) {
    changed = false;
    for (const fragment of fragments) {
      const name = fragment.name.value;
      if (contextualFragments.has(name)) continue;
      const direct = [...variablesUsed(fragment)].some((v) => contextual.has(v));
      if (direct || [...spreadsOf(fragment)].some((s) => contextualFragments.has(s))) {
        contextualFragments.add(name);
        changed = true;
      }
    }
  }
  const renamedVariables = [...contextual, 'representations'];
  const variables = (operation.variableDefinitions ?? []).map((d) => d.variable.name.value);
  const fragmentNames = fragments.map((fragment) => fragment.name.value);
  const clashes = (names: readonly string[], renamed: Iterable<string>, separator: string) =>
    names.some((name) => [...renamed].some((r) => name !== r && name.startsWith(r + separator)));
  let separator = '_';
  while (clashes(variables, renamedVariables, separator) || clashes(fragmentNames, contextualFragments, separator)) separator += '_';
  return { contextual, operation, entities, fragments, contextualFragments, separator, printed: new Map() };
}

/**
 * The text of the grouped operation for `groups` groups, and the separator of its variable names
 * (group g's representations go in `representations${separator}${g}`).
 */
export function groupedEntitiesOperation(fetch: FetchNode, groups: number): { query: string; separator: string } {
  let parsed = parsedFetches.get(fetch);
  if (!parsed) parsedFetches.set(fetch, (parsed = parseFetch(fetch)));
  const { contextual, operation, entities, fragments, contextualFragments, separator, printed } = parsed;
  const known = printed.get(groups);
  if (known !== undefined) return { query: known, separator };
  const isRenamed = (name: string) => name === 'representations' || contextual.has(name);
  const inGroup = <T extends ASTNode>(node: T, g: number): T =>
    visit(node, {
      Variable: (variable) =>
        isRenamed(variable.name.value) ? { ...variable, name: { ...variable.name, value: `${variable.name.value}${separator}${g}` } } : undefined,
      FragmentSpread: (spread) =>
        contextualFragments.has(spread.name.value)
          ? { ...spread, name: { ...spread.name, value: `${spread.name.value}${separator}${g}` } }
          : undefined,
    });

  const variableDefinitions: VariableDefinitionNode[] = [];
  for (const definition of operation.variableDefinitions ?? []) {
    if (!isRenamed(definition.variable.name.value)) variableDefinitions.push(definition);
    else for (let g = 0; g < groups; g++) variableDefinitions.push(inGroup(definition, g));
  }
  const selections: FieldNode[] = [];
  const copies: FragmentDefinitionNode[] = [];
  for (let g = 0; g < groups; g++) {
    selections.push({ ...inGroup(entities, g), alias: { kind: Kind.NAME, value: `_${g}` } });
    for (const fragment of fragments) {
      if (!contextualFragments.has(fragment.name.value)) continue;
      copies.push({ ...inGroup(fragment, g), name: { ...fragment.name, value: `${fragment.name.value}${separator}${g}` } });
    }
  }
  const document: DocumentNode = {
    kind: Kind.DOCUMENT,
    definitions: [
      { ...operation, variableDefinitions, selectionSet: { ...operation.selectionSet, selections } },
      ...fragments.filter((fragment) => !contextualFragments.has(fragment.name.value)),
      ...copies,
    ],
  };
  // As compact as the planner's own operations (fewer bytes to send and parse).
  const query = stripIgnoredCharacters(print(document));
  if (groups <= PRINTED_GROUP_COUNTS) printed.set(groups, query);
  return { query, separator };
}
