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

/** Response key of the `__typename` that keeps a selection set valid when all its fields were removed. */
export const PLACEHOLDER_KEY = '_switchyardAuthPlaceholder';

/** A field removed from the operation: where its `null` goes in the response (response keys, no indices). */
export interface RemovedField {
  path: readonly string[];
  /** Set when the field belongs to one object type: other objects at that path (unions) are left alone. */
  onType?: string;
}

export interface FilteredOperation {
  /** The operation to plan; the original when nothing was removed. */
  document: DocumentNode;
  removed: readonly RemovedField[];
  /** Response paths of the placeholder selections, stripped from the response again. */
  placeholders: ReadonlyArray<readonly string[]>;
  /** Nothing the caller may see is left: answer with the errors alone. */
  empty: boolean;
}

const PLACEHOLDER_SET: SelectionSetNode = {
  kind: Kind.SELECTION_SET,
  selections: [{ kind: Kind.FIELD, alias: { kind: Kind.NAME, value: PLACEHOLDER_KEY }, name: { kind: Kind.NAME, value: '__typename' } }],
};

/**
 * Removes every field the caller may not see — the field's own rule or the rule of the type it
 * returns — before the operation is planned, as Apollo Router does, so subgraphs never receive them.
 * Rules depend only on (type, field), so named fragments that lose fields are inlined in place and
 * untouched ones stay as they are; a selection set left empty keeps a placeholder `__typename`.
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
  const removed: RemovedField[] = [];
  const placeholders: string[][] = [];

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

  function filterSet(set: SelectionSetNode, parent: GraphQLCompositeType, path: string[]): SelectionSetNode | null {
    let changed = false;
    const kept: SelectionNode[] = [];
    for (const selection of set.selections) {
      const next = filterSelection(selection, parent, path);
      if (next !== selection) changed = true;
      if (next) kept.push(next);
    }
    if (!changed) return set;
    return kept.length ? { ...set, selections: kept } : null;
  }

  function filterField(field: FieldNode, parent: GraphQLCompositeType, path: string[]): FieldNode | null {
    const name = field.name.value;
    const definition = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
    if (name.startsWith('__') || !definition) return field;
    const key = field.alias?.value ?? name;
    const returnType = getNamedType(definition.type);
    if (!allowed(parent, name, returnType)) {
      removed.push({ path: [...path, key], onType: isObjectType(parent) ? parent.name : undefined });
      return null;
    }
    if (!field.selectionSet) return field;
    const childPath = [...path, key];
    const selectionSet = filterSet(field.selectionSet, returnType as GraphQLCompositeType, childPath);
    if (selectionSet === field.selectionSet) return field;
    if (selectionSet === null) placeholders.push(childPath);
    return { ...field, selectionSet: selectionSet ?? PLACEHOLDER_SET };
  }

  function filterSelection(selection: SelectionNode, parent: GraphQLCompositeType, path: string[]): SelectionNode | null {
    if (selection.kind === Kind.FIELD) return filterField(selection, parent, path);
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      const type = selection.typeCondition ? (schema.getType(selection.typeCondition.name.value) as GraphQLCompositeType) : parent;
      const selectionSet = filterSet(selection.selectionSet, type, path);
      if (selectionSet === selection.selectionSet) return selection;
      return selectionSet && { ...selection, selectionSet };
    }
    const fragment = fragments.get(selection.name.value);
    if (!fragment) return selection;
    const type = schema.getType(fragment.typeCondition.name.value) as GraphQLCompositeType;
    const selectionSet = filterSet(fragment.selectionSet, type, path);
    if (selectionSet === fragment.selectionSet) return selection;
    return (
      selectionSet && { kind: Kind.INLINE_FRAGMENT, typeCondition: fragment.typeCondition, directives: selection.directives, selectionSet }
    );
  }

  const root = schema.getRootType(operation.operation);
  if (!root) return { document, removed, placeholders, empty: false };
  const selectionSet = filterSet(operation.selectionSet, root, []);
  if (selectionSet === operation.selectionSet) return { document, removed, placeholders, empty: false };
  if (selectionSet === null) return { document, removed, placeholders, empty: true };
  return { document: rebuildDocument({ ...operation, selectionSet }, fragments), removed, placeholders, empty: false };
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
