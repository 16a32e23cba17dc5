import { Kind, parse, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import { LRUCache } from 'lru-cache';

/**
 * Fetch operations are few (one per plan node) but a failing subgraph fails every request: parse
 * each once, least recently used first out, within a byte budget counting the text (×100 for its AST).
 */
const PARSE_CACHE_BYTES = 16 * 1024 * 1024;
const parsedQueries = new LRUCache<string, { document: DocumentNode | null }>({
  maxSize: PARSE_CACHE_BYTES,
  sizeCalculation: (_value, query) => 100 * query.length + 1,
});

function parseCached(query: string): DocumentNode | null {
  let entry = parsedQueries.get(query);
  if (!entry) {
    let document: DocumentNode | null;
    try {
      document = parse(query);
    } catch {
      document = null;
    }
    entry = { document };
    if (100 * query.length < PARSE_CACHE_BYTES) parsedQueries.set(query, entry);
  }
  return entry.document;
}

export type ResponsePath = ReadonlyArray<string | number>;

/** A failed fetch reports at most this many paths, then one summary error, so 5,000 entities do not mean 5,000 errors. */
export const MAX_ERROR_PATHS_PER_FETCH = 100;

interface Representation {
  __typename?: unknown;
}

function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  return fragments;
}

/**
 * Response keys selected directly in `selectionSet` for an object of `typename` (null: any type).
 * A fragment's keys are collected once per type and reused at every spread (linear work).
 */
function responseKeys(
  selectionSet: SelectionSetNode,
  typename: string | null,
  fragments: Map<string, FragmentDefinitionNode>,
  into: Set<string>,
  memo: Map<string, Set<string>> = new Map(),
): void {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const key = selection.alias?.value ?? selection.name.value;
      if (key !== '__typename') into.add(key);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const condition = selection.typeCondition?.name.value;
      if (!condition || typename === null || condition === typename) {
        responseKeys(selection.selectionSet, typename, fragments, into, memo);
      }
    } else {
      const fragment = fragments.get(selection.name.value);
      if (!fragment || (typename !== null && fragment.typeCondition.name.value !== typename)) continue;
      let keys = memo.get(selection.name.value);
      if (!keys) {
        keys = new Set();
        memo.set(selection.name.value, keys); // entered first: a cycle cannot loop
        responseKeys(fragment.selectionSet, typename, fragments, keys, memo);
      }
      for (const key of keys) into.add(key);
    }
  }
}

/**
 * The paths, relative to the subgraph's response, that a failed fetch leaves null: each root field
 * for a root fetch, or `<list>.<i>.<field>` per representation for an entity fetch (`_entities`, or
 * each aliased `_entities` of a fetch split by @context values, with its own representations
 * variable). The gateway's executor maps those indexes onto the client's response paths.
 */
export function failedFetchPaths(
  query: string,
  document: DocumentNode | undefined,
  variables: Record<string, unknown> | undefined,
  limit = Number.POSITIVE_INFINITY,
): ResponsePath[] {
  const parsed = document ?? parseCached(query);
  if (!parsed) return [];
  const operation = parsed.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (!operation) return [];
  const fragments = fragmentsOf(parsed);
  const lists: Array<{ key: string; selectionSet: SelectionSetNode; representations: unknown[] }> = [];
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD || selection.name.value !== '_entities' || !selection.selectionSet) continue;
    const argument = selection.arguments?.find((a) => a.name.value === 'representations')?.value;
    const representations = argument?.kind === Kind.VARIABLE ? variables?.[argument.name.value] : undefined;
    if (Array.isArray(representations)) {
      lists.push({ key: selection.alias?.value ?? '_entities', selectionSet: selection.selectionSet, representations });
    }
  }
  if (lists.length > 0) {
    const paths: ResponsePath[] = [];
    for (const { key: listKey, selectionSet, representations } of lists) {
      const keysByType = new Map<string, string[]>();
      for (let index = 0; index < representations.length && paths.length < limit; index++) {
        const representation = representations[index] as Representation;
        const typename = typeof representation?.__typename === 'string' ? representation.__typename : null;
        const cacheKey = typename ?? '';
        let keys = keysByType.get(cacheKey);
        if (!keys) {
          const found = new Set<string>();
          responseKeys(selectionSet, typename, fragments, found);
          keys = [...found];
          keysByType.set(cacheKey, keys);
        }
        for (const key of keys) paths.push([listKey, index, key]);
      }
    }
    return paths.length > limit ? paths.slice(0, limit) : paths;
  }
  const keys = new Set<string>();
  responseKeys(operation.selectionSet, null, fragments, keys);
  return [...keys].map((key) => [key]);
}
