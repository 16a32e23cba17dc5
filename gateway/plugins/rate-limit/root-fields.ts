import { Kind, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';

/** How often each root field name occurs in an operation (aliases count separately). */
export type RootFieldCounts = ReadonlyMap<string, number>;

// Keyed by the operation node: Apollo caches parsed documents per query string, so a repeated
// query reuses the same node and the walk runs once per distinct document.
const cache = new WeakMap<OperationDefinitionNode, RootFieldCounts>();

const EMPTY: RootFieldCounts = new Map();

function addInto(target: Map<string, number>, counts: RootFieldCounts): void {
  for (const [name, count] of counts) target.set(name, (target.get(name) ?? 0) + count);
}

/**
 * Counts the root fields of `operation` by field name (not alias), through fragment spreads and
 * inline fragments. `{ a: registerUser(…) b: registerUser(…) }` counts `registerUser` twice.
 * Each fragment is walked once and its counts reused at every spread, so the work is linear in
 * the document even when fragments spread each other many times. Cached per operation node.
 */
export function countRootFields(document: DocumentNode, operation: OperationDefinitionNode): RootFieldCounts {
  const cached = cache.get(operation);
  if (cached) return cached;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  // A fragment's counts; EMPTY while it is being walked, so a cycle (refused by validation) cannot loop.
  const byFragment = new Map<string, RootFieldCounts>();

  function collect(selectionSet: SelectionSetNode, counts: Map<string, number>): void {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        counts.set(selection.name.value, (counts.get(selection.name.value) ?? 0) + 1);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        collect(selection.selectionSet, counts);
      } else {
        addInto(counts, fragmentCounts(selection.name.value));
      }
    }
  }

  function fragmentCounts(name: string): RootFieldCounts {
    const known = byFragment.get(name);
    if (known) return known;
    const fragment = fragments.get(name);
    if (!fragment) return EMPTY;
    byFragment.set(name, EMPTY);
    const counts = new Map<string, number>();
    collect(fragment.selectionSet, counts);
    byFragment.set(name, counts);
    return counts;
  }

  const counts = new Map<string, number>();
  collect(operation.selectionSet, counts);
  cache.set(operation, counts);
  return counts;
}
