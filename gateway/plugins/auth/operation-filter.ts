import {
  getNamedType,
  isAbstractType,
  isInterfaceType,
  isObjectType,
  Kind,
  visit,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import { isAllowed, type AuthorizationRules, type Caller } from './authorization-rules.js';

/** A field removed from one selection set: its response key, and the alias of the `__typename` standing in for it. */
export interface RemovedKey {
  key: string;
  /** `_sy<n>`: present on exactly the response objects where the removed field was selected. */
  placeholder: string;
}

/**
 * Where the removed fields were, as a tree over response keys. A fragment's subtree is built once
 * and shared by every place it is spread (`spreads`), so the tree is as small as the document.
 */
export interface RemovalNode {
  removed: RemovedKey[];
  children: Map<string, RemovalNode>;
  /** Subtrees of fragments spread at this level, applied to the same objects. */
  spreads: Set<RemovalNode>;
}

export interface FilteredOperation {
  /** The operation to plan; the original when nothing was removed. */
  document: DocumentNode;
  removed: RemovalNode;
  /** At least one field was removed. */
  changed: boolean;
  /** Nothing the caller may see is left: answer with the errors alone. */
  empty: boolean;
}

const newNode = (): RemovalNode => ({ removed: [], children: new Map(), spreads: new Set() });
const isEmptyNode = (node: RemovalNode) => node.removed.length === 0 && node.children.size === 0 && node.spreads.size === 0;

/**
 * What stands in for a removed field: `_sy<n>: __typename`, with the field's own `@skip`/`@include`.
 * It appears in the response exactly where — in which objects, at which position — the removed field
 * would have, so the patch puts `null` there and only there (a skipped field stays absent, other union
 * members and fields allowed through another type condition keep their values), in query order.
 * Subgraphs see the alias, never the field's name.
 */
function placeholderFor(field: FieldNode, alias: string): FieldNode {
  return { kind: Kind.FIELD, alias: { kind: Kind.NAME, value: alias }, name: { kind: Kind.NAME, value: '__typename' }, directives: field.directives };
}

interface FilteredFragment {
  /** Same object when untouched. */
  selectionSet: SelectionSetNode;
  removals: RemovalNode;
  /** Fields the caller may see at the fragment's top level (through nested fragments there). */
  visibleDirect: number;
}

/**
 * Removes every field the caller may not see — the field's own rule or the rule of the type it
 * returns — before the operation is planned, as Apollo Router does, so subgraphs never receive them;
 * each stands replaced by `<key>: __typename` (see `placeholderFor`). Rules depend only on
 * (type, field), so each named fragment is filtered once, whatever number of places spread it, and
 * fragments that lost fields are replaced by their filtered definition. The work is linear in the document.
 */
export function filterOperation(
  schema: GraphQLSchema,
  rules: AuthorizationRules,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  caller: Caller,
): FilteredOperation {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const filteredFragments = new Map<string, FilteredFragment>();
  let placeholders = 0;

  const typeAllowed = (type: GraphQLNamedType): boolean => {
    if (!isAllowed(rules.types.get(type.name), caller)) return false;
    // A field of interface or union type may return any of its possible types: all must be visible.
    return !isAbstractType(type) || schema.getPossibleTypes(type).every((possible) => isAllowed(rules.types.get(possible.name), caller));
  };
  const allowed = (parent: GraphQLCompositeType, fieldName: string, returnType: GraphQLNamedType): boolean => {
    if (!isAllowed(rules.fields.get(`${parent.name}.${fieldName}`), caller)) return false;
    // Composition forbids the directives on interfaces, so an interface field carries the rules of
    // every implementation's field (as Apollo Router derives them): fail closed, never open.
    if (isInterfaceType(parent)) {
      for (const implementation of schema.getPossibleTypes(parent)) {
        if (!isAllowed(rules.fields.get(`${implementation.name}.${fieldName}`), caller)) return false;
      }
    }
    return typeAllowed(returnType);
  };

  /** `visible` counts the fields left at this level that the caller may see. */
  function filterSet(set: SelectionSetNode, parent: GraphQLCompositeType, node: RemovalNode, visible: { count: number }): SelectionSetNode {
    let changed = false;
    const kept: SelectionNode[] = [];
    for (const selection of set.selections) {
      const next = filterSelection(selection, parent, node, visible);
      if (next !== selection) changed = true;
      kept.push(next);
    }
    return changed ? { ...set, selections: kept } : set;
  }

  function filterField(field: FieldNode, parent: GraphQLCompositeType, node: RemovalNode, visible: { count: number }): FieldNode {
    const name = field.name.value;
    const definition = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
    if (name.startsWith('__') || !definition) {
      visible.count++;
      return field;
    }
    const key = field.alias?.value ?? name;
    const returnType = getNamedType(definition.type);
    if (!allowed(parent, name, returnType)) {
      const placeholder = `_sy${placeholders++}`;
      node.removed.push({ key, placeholder });
      return placeholderFor(field, placeholder);
    }
    visible.count++;
    if (!field.selectionSet) return field;
    const child = node.children.get(key) ?? newNode();
    const selectionSet = filterSet(field.selectionSet, returnType as GraphQLCompositeType, child, { count: 0 });
    if (!isEmptyNode(child)) node.children.set(key, child);
    return selectionSet === field.selectionSet ? field : { ...field, selectionSet };
  }

  function filterFragment(name: string): FilteredFragment | undefined {
    const known = filteredFragments.get(name);
    if (known) return known;
    const fragment = fragments.get(name);
    if (!fragment) return undefined;
    const removals = newNode();
    // Entered before the walk so a cycle (refused by validation) cannot loop.
    const entry: FilteredFragment = { selectionSet: fragment.selectionSet, removals, visibleDirect: 0 };
    filteredFragments.set(name, entry);
    const type = schema.getType(fragment.typeCondition.name.value) as GraphQLCompositeType;
    const visible = { count: 0 };
    entry.selectionSet = filterSet(fragment.selectionSet, type, removals, visible);
    entry.visibleDirect = visible.count;
    return entry;
  }

  function filterSelection(selection: SelectionNode, parent: GraphQLCompositeType, node: RemovalNode, visible: { count: number }): SelectionNode {
    if (selection.kind === Kind.FIELD) return filterField(selection, parent, node, visible);
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      const type = selection.typeCondition ? (schema.getType(selection.typeCondition.name.value) as GraphQLCompositeType) : parent;
      const selectionSet = filterSet(selection.selectionSet, type, node, visible);
      return selectionSet === selection.selectionSet ? selection : { ...selection, selectionSet };
    }
    const fragment = filterFragment(selection.name.value);
    if (!fragment) return selection;
    if (!isEmptyNode(fragment.removals)) node.spreads.add(fragment.removals);
    visible.count += fragment.visibleDirect;
    // The spread stays; its definition is replaced by the filtered one when it changed.
    return selection;
  }

  const removed = newNode();
  const root = schema.getRootType(operation.operation);
  if (!root) return { document, removed, changed: false, empty: false };
  const visible = { count: 0 };
  const selectionSet = filterSet(operation.selectionSet, root, removed, visible);
  const fragmentsChanged = [...filteredFragments].some(([name, filtered]) => filtered.selectionSet !== fragments.get(name)!.selectionSet);
  if (selectionSet === operation.selectionSet && !fragmentsChanged) return { document, removed, changed: false, empty: false };
  // Only placeholders (`__typename`) left at the root: nothing the caller may see would be fetched.
  if (visible.count === 0) return { document, removed, changed: true, empty: true };
  const definitions = new Map<string, FragmentDefinitionNode>();
  for (const [name, original] of fragments) {
    const filtered = filteredFragments.get(name);
    definitions.set(
      name,
      !filtered || filtered.selectionSet === original.selectionSet ? original : { ...original, selectionSet: filtered.selectionSet },
    );
  }
  return { document: rebuildDocument({ ...operation, selectionSet }, definitions), removed, changed: true, empty: false };
}

/** The filtered operation plus the fragments and variables it still uses (the planner rejects unused ones). */
function rebuildDocument(operation: OperationDefinitionNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>): DocumentNode {
  const usedFragments = new Set<string>();
  const usedVariables = new Set<string>();
  const pending: Array<OperationDefinitionNode | FragmentDefinitionNode> = [operation];
  while (pending.length) {
    visit(pending.pop()!, {
      FragmentSpread(node) {
        if (usedFragments.has(node.name.value)) return;
        usedFragments.add(node.name.value);
        const fragment = fragments.get(node.name.value);
        if (fragment) pending.push(fragment);
      },
      // A definition names its variable; only uses elsewhere count.
      VariableDefinition() {
        return false;
      },
      Variable(node) {
        usedVariables.add(node.name.value);
      },
    });
  }
  const variableDefinitions = operation.variableDefinitions?.filter((d) => usedVariables.has(d.variable.name.value));
  return {
    kind: Kind.DOCUMENT,
    definitions: [{ ...operation, variableDefinitions }, ...[...usedFragments].flatMap((name) => fragments.get(name) ?? [])],
  };
}
