import {
  execute,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLError,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';

/**
 * Introspection (`__schema`, `__type`) is answered by graphql-js over the schema clients validate
 * against (the API schema with `@defer`), as Apollo's executor answers it: an operation of
 * introspection alone runs as it is; beside data, the planner leaves those root fields out of its
 * plan, so they run apart (the operation pruned to them) and their values join the data before the
 * response is shaped.
 */

const isIntrospectionField = (name: string) => name === '__schema' || name === '__type';
const selectionSetOf = (selections: readonly SelectionNode[]): SelectionSetNode => ({ kind: Kind.SELECTION_SET, selections });

/** Every root field (through fragments) is `__schema`, `__type` or `__typename`. */
export function isIntrospectionOnly(
  selectionSet: SelectionSetNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  seen = new Set<string>(),
): boolean {
  return selectionSet.selections.every((selection) => {
    if (selection.kind === Kind.FIELD) return isIntrospectionField(selection.name.value) || selection.name.value === '__typename';
    if (selection.kind === Kind.INLINE_FRAGMENT) return isIntrospectionOnly(selection.selectionSet, fragments, seen);
    const name = selection.name.value;
    if (seen.has(name)) return true;
    seen.add(name);
    const fragment = fragments.get(name);
    return fragment ? isIntrospectionOnly(fragment.selectionSet, fragments, seen) : false;
  });
}

/**
 * The operation with only its root introspection fields: named fragments at the root are pruned the
 * same way (each once, so the work stays linear in the document), those below introspection fields
 * kept as they are; without source locations, since a cached copy must not keep the request's
 * document alive.
 */
export function introspectionDocument(operation: OperationDefinitionNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>): DocumentNode {
  const below = new Set<string>();
  const pruned = new Map<string, FragmentDefinitionNode | null>();
  const prune = (selectionSet: SelectionSetNode): SelectionNode[] =>
    selectionSet.selections.flatMap((selection): SelectionNode[] => {
      if (selection.kind === Kind.FIELD) {
        if (!isIntrospectionField(selection.name.value)) return [];
        collectSpreads(selection.selectionSet, fragments, below);
        return [selection];
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) return pruneFragment(selection.name.value) ? [selection] : [];
      const kept = prune(selection.selectionSet);
      return kept.length ? [{ ...selection, selectionSet: selectionSetOf(kept) }] : [];
    });
  const pruneFragment = (name: string): FragmentDefinitionNode | null => {
    if (pruned.has(name)) return pruned.get(name)!;
    pruned.set(name, null); // entered first: a cycle cannot loop
    const fragment = fragments.get(name);
    const kept = fragment ? prune(fragment.selectionSet) : [];
    const result: FragmentDefinitionNode | null = fragment && kept.length ? { ...fragment, selectionSet: selectionSetOf(kept) } : null;
    pruned.set(name, result);
    return result;
  };
  const selections = prune(operation.selectionSet);
  const definitions: DocumentNode['definitions'][number][] = [{ ...operation, selectionSet: selectionSetOf(selections) }];
  for (const fragment of pruned.values()) if (fragment) definitions.push(fragment);
  for (const name of below) {
    const fragment = fragments.get(name);
    if (fragment && !pruned.has(name)) definitions.push(fragment);
  }
  const document: DocumentNode = { kind: Kind.DOCUMENT, definitions };
  return JSON.parse(JSON.stringify(document, (key, value: unknown) => (key === 'loc' ? undefined : value))) as DocumentNode;
}

/** Named fragments spread below an introspection field (and below those), for the pruned document. */
function collectSpreads(selectionSet: SelectionSetNode | undefined, fragments: ReadonlyMap<string, FragmentDefinitionNode>, into: Set<string>): void {
  for (const selection of selectionSet?.selections ?? []) {
    if (selection.kind === Kind.FRAGMENT_SPREAD) {
      if (into.has(selection.name.value)) continue;
      into.add(selection.name.value);
      collectSpreads(fragments.get(selection.name.value)?.selectionSet, fragments, into);
    } else {
      collectSpreads(selection.selectionSet, fragments, into);
    }
  }
}

/** graphql-js's answer to introspection over `schema` (synchronous: no resolver of ours is involved). */
export function executeIntrospection(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | undefined,
): { data?: Record<string, unknown> | null; errors?: readonly GraphQLError[] } {
  return execute({ schema, document, operationName, variableValues: variables }) as {
    data?: Record<string, unknown> | null;
    errors?: readonly GraphQLError[];
  };
}
