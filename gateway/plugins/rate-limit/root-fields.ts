import { Kind, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';

/** How often each root field name occurs in an operation (aliases count separately). */
export type RootFieldCounts = ReadonlyMap<string, number>;

// Keyed by the operation node: Apollo caches parsed documents per query string, so a repeated
// query reuses the same node and the walk runs once per distinct document.
const cache = new WeakMap<OperationDefinitionNode, RootFieldCounts>();

function collect(
  selectionSet: SelectionSetNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  visiting: Set<string>,
  counts: Map<string, number>,
): void {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      counts.set(selection.name.value, (counts.get(selection.name.value) ?? 0) + 1);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      collect(selection.selectionSet, fragments, visiting, counts);
    } else {
      const name = selection.name.value;
      const fragment = fragments.get(name);
      // A fragment cycle fails validation later; here it must simply not loop.
      if (!fragment || visiting.has(name)) continue;
      visiting.add(name);
      collect(fragment.selectionSet, fragments, visiting, counts);
      visiting.delete(name);
    }
  }
}

/**
 * Counts the root fields of `operation` by field name (not alias), through fragment spreads and
 * inline fragments. `{ a: registerUser(…) b: registerUser(…) }` counts `registerUser` twice.
 * Cached per operation node.
 */
export function countRootFields(document: DocumentNode, operation: OperationDefinitionNode): RootFieldCounts {
  const cached = cache.get(operation);
  if (cached) return cached;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const counts = new Map<string, number>();
  collect(operation.selectionSet, fragments, new Set(), counts);
  cache.set(operation, counts);
  return counts;
}
