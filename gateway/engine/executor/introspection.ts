import {
  execute,
  Kind,
  type DocumentNode,
  type FieldNode,
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
 * The root selection set with only the root fields `keep` accepts: inline fragments and named
 * fragments at the root are pruned the same way, each named one once (linear in the document);
 * `pruned` gets each one's pruned definition, or null when nothing of it is kept.
 */
function pruneRoot(
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  keep: (field: FieldNode) => boolean,
): { selections: SelectionNode[]; pruned: Map<string, FragmentDefinitionNode | null> } {
  const pruned = new Map<string, FragmentDefinitionNode | null>();
  const prune = (selectionSet: SelectionSetNode): SelectionNode[] =>
    selectionSet.selections.flatMap((selection): SelectionNode[] => {
      if (selection.kind === Kind.FIELD) return keep(selection) ? [selection] : [];
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
  return { selections: prune(operation.selectionSet), pruned };
}

/**
 * The operation with only its root introspection fields (root fragments pruned, those below
 * introspection fields kept as they are), for graphql-js; without source locations, since a cached
 * copy must not keep the request's document alive.
 */
export function introspectionDocument(operation: OperationDefinitionNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>): DocumentNode {
  const below = new Set<string>();
  const { selections, pruned } = pruneRoot(operation, fragments, (field) => {
    if (!isIntrospectionField(field.name.value)) return false;
    collectSpreads(field.selectionSet, fragments, below);
    return true;
  });
  const definitions: DocumentNode['definitions'][number][] = [{ ...operation, selectionSet: selectionSetOf(selections) }];
  for (const fragment of pruned.values()) if (fragment) definitions.push(fragment);
  for (const name of below) {
    const fragment = fragments.get(name);
    if (fragment && !pruned.has(name)) definitions.push(fragment);
  }
  const document: DocumentNode = { kind: Kind.DOCUMENT, definitions };
  return JSON.parse(JSON.stringify(document, (key, value: unknown) => (key === 'loc' ? undefined : value))) as DocumentNode;
}

/**
 * The document the planner is given when root introspection sits beside data: the operation
 * without its root introspection fields (the planner drops only direct ones; inside a root fragment
 * carrying a directive it fails to plan them), root fragments pruned alike, the rest unchanged.
 */
export function withoutRootIntrospection(document: DocumentNode, operationName: string | null | undefined): DocumentNode {
  let operation: OperationDefinitionNode | undefined;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    else if (definition.kind === Kind.OPERATION_DEFINITION && (operationName ? definition.name?.value === operationName : true))
      operation ??= definition;
  }
  if (!operation) return document;
  const { selections, pruned } = pruneRoot(operation, fragments, (field) => !isIntrospectionField(field.name.value));
  const definitions = document.definitions.flatMap((definition) => {
    if (definition === operation) return [{ ...operation, selectionSet: selectionSetOf(selections) }];
    if (definition.kind === Kind.FRAGMENT_DEFINITION && pruned.has(definition.name.value)) {
      const kept = pruned.get(definition.name.value);
      return kept ? [kept] : [];
    }
    return [definition];
  });
  return { ...document, definitions };
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
