import {
  isAbstractType,
  isCompositeType,
  isEnumType,
  isListType,
  isNonNullType,
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  type DirectiveNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLLeafType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/**
 * The response shape of one operation, compiled once and cached with its plan (see response-shape.ts
 * for the pass that reads it): what the client asked for, in its order and under its aliases, with
 * field types unwrapped, leaf checks chosen and each named fragment compiled once.
 */

/** `@skip(if:)` / `@include(if:)` on a selection: a literal or a variable's value. */
export interface SkipCondition {
  skipWhen: boolean;
  literal?: boolean;
  variable?: string;
}

/** How a leaf value is checked against its type (Apollo's isValidLeafValue), decided at compile time. */
export const LeafCheck = { Any: 0, Int: 1, Id: 2, Float: 3, String: 4, Boolean: 5, Enum: 6 } as const;
export type LeafCheck = (typeof LeafCheck)[keyof typeof LeafCheck];

/** A field's type, unwrapped once at compile time: the shaping pass walks this instead of graphql-js types. */
export interface TypeShape {
  /** 0: named type, 1: non-null of `of`, 2: list of `of`. */
  wrap: 0 | 1 | 2;
  of: TypeShape | undefined;
  type: GraphQLOutputType;
  composite: boolean;
  leaf: LeafCheck;
}

export interface FieldShape {
  kind: 'field';
  key: string;
  /** `__typename` (under any alias). */
  typename: boolean;
  /** `__schema` / `__type` at the root: graphql-js answers it, the value is taken as it is. */
  introspection?: boolean;
  type: TypeShape;
  /** For composite fields, what is selected below. */
  selection: SelectionShape | undefined;
  conditions: SkipCondition[] | undefined;
}

export interface FragmentShape {
  kind: 'fragment';
  typeCondition: GraphQLCompositeType | undefined;
  selection: SelectionShape;
  conditions: SkipCondition[] | undefined;
}

export type SelectionShape = Array<FieldShape | FragmentShape>;

export interface OperationShape {
  readonly root: SelectionShape;
  readonly rootType: GraphQLCompositeType;
  /** Default values of the operation's variables (for @skip/@include when the client omits them). */
  readonly variableDefaults: Readonly<Record<string, unknown>>;
  /** Some fragment carries `@defer` (not `if: false`): the operation may be delivered incrementally. */
  readonly hasDefer: boolean;
  /**
   * A `@defer` label stands for more than one place: the same label twice, or a labelled defer in a
   * named fragment spread more than once. The planner merges such blocks under one path.
   */
  readonly deferLabelRepeats: boolean;
  /** Some root field is `__schema` or `__type` (see FieldShape.introspection). */
  readonly introspection: boolean;
}

export interface ShapeOptions {
  /**
   * Deferred fragments are left out (the initial payload of an incremental response): `@defer` acts
   * as `@skip(if: true)`, `@defer(if: $v)` as `@skip(if: $v)`.
   */
  deferAsSkip?: boolean;
}

/**
 * A copy of `text` that shares no memory with the document it came from: V8 may keep a name as a
 * slice of the whole source, and a cached shape must not keep a 256 KB document alive by one alias.
 */
function detached(text: string): string {
  return text.length < 13 ? text : (JSON.parse(JSON.stringify(text)) as string);
}

/** Why an operation cannot be shaped here (the caller falls back to Apollo's executor). */
export class UnsupportedOperation extends Error {}

/** The `@defer` of a fragment as a skip condition (`if` absent or true: always; `if: $v`: when v), or undefined. */
function deferConditionOf(directive: DirectiveNode): SkipCondition | undefined {
  const value = directive.arguments?.find((argument) => argument.name.value === 'if')?.value;
  if (!value) return { skipWhen: true, literal: true };
  if (value.kind === Kind.BOOLEAN) return value.value ? { skipWhen: true, literal: true } : undefined;
  if (value.kind === Kind.VARIABLE) return { skipWhen: true, variable: detached(value.name.value) };
  return undefined;
}

function conditionsOf(
  directives: readonly DirectiveNode[] | undefined,
  onDefer?: (condition: SkipCondition, label: string | undefined) => void,
): SkipCondition[] | undefined {
  if (!directives?.length) return undefined;
  let conditions: SkipCondition[] | undefined;
  for (const directive of directives) {
    const name = directive.name.value;
    if (name === 'defer' && onDefer) {
      const condition = deferConditionOf(directive);
      const label = directive.arguments?.find((argument) => argument.name.value === 'label')?.value;
      if (condition) onDefer(condition, label?.kind === Kind.STRING ? label.value : undefined);
      continue;
    }
    if (name !== 'skip' && name !== 'include') continue;
    const value = directive.arguments?.find((argument) => argument.name.value === 'if')?.value;
    if (!value) continue;
    const condition: SkipCondition = { skipWhen: name === 'skip' };
    if (value.kind === Kind.BOOLEAN) condition.literal = value.value;
    else if (value.kind === Kind.VARIABLE) condition.variable = detached(value.name.value);
    else continue;
    (conditions ??= []).push(condition);
  }
  return conditions;
}

/** Compiles `operation` against the API schema; each named fragment is compiled once (linear work). */
export function compileOperationShape(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  options: ShapeOptions = {},
): OperationShape {
  const rootType = schema.getRootType(operation.operation);
  if (!rootType) throw new UnsupportedOperation(`no ${operation.operation} root type`);
  const compiler = createCompiler(schema, fragments, options);
  const variableDefaults: Record<string, unknown> = {};
  for (const definition of operation.variableDefinitions ?? []) {
    const value = definition.defaultValue;
    if (value?.kind === Kind.BOOLEAN) variableDefaults[detached(definition.variable.name.value)] = value.value;
  }
  const root = compiler.compileSelectionSet(operation.selectionSet, rootType, true);
  return {
    root,
    rootType,
    variableDefaults,
    hasDefer: compiler.hasDefer(),
    deferLabelRepeats: compiler.deferLabelRepeats(),
    introspection: compiler.introspection(),
  };
}

/**
 * Compiles a selection set below `parentType` (a deferred block's subselection, as the planner prints
 * it: no named fragments, no introspection).
 */
export function compileSelectionShape(schema: GraphQLSchema, parentType: GraphQLCompositeType, selectionSet: SelectionSetNode): SelectionShape {
  return createCompiler(schema, new Map(), { deferAsSkip: true }).compileSelectionSet(selectionSet, parentType, false);
}

function createCompiler(schema: GraphQLSchema, fragments: ReadonlyMap<string, FragmentDefinitionNode>, options: ShapeOptions) {
  const compiledFragments = new Map<string, SelectionShape>();
  const typeShapes = new Map<GraphQLOutputType, TypeShape>();
  let hasDefer = false;
  const deferConditions: SkipCondition[] = [];
  // Labelled defers: each label once, and none in a fragment that is spread twice (see deferLabelRepeats).
  const labels = new Set<string>();
  const fragmentHasLabel = new Map<string, boolean>();
  let labelInFragment = false;
  let labelRepeats = false;
  let introspection = false;

  function typeShapeOf(type: GraphQLOutputType): TypeShape {
    let shape = typeShapes.get(type);
    if (shape) return shape;
    if (isNonNullType(type) || isListType(type)) {
      shape = { wrap: isNonNullType(type) ? 1 : 2, of: typeShapeOf(type.ofType as GraphQLOutputType), type, composite: false, leaf: LeafCheck.Any };
    } else {
      shape = { wrap: 0, of: undefined, type, composite: isCompositeType(type), leaf: leafCheckOf(schema, type) };
    }
    typeShapes.set(type, shape);
    return shape;
  }

  function compileSelectionSet(selectionSet: SelectionSetNode, parentType: GraphQLCompositeType, atRoot: boolean): SelectionShape {
    const shape: SelectionShape = [];
    for (const selection of selectionSet.selections) {
      let conditions = conditionsOf(selection.directives, (deferred, label) => {
        hasDefer = true;
        if (options.deferAsSkip) deferConditions.push(deferred);
        if (label === undefined) return;
        if (labels.has(label)) labelRepeats = true;
        labels.add(label);
        labelInFragment = true;
      });
      if (deferConditions.length) {
        conditions = [...(conditions ?? []), ...deferConditions];
        deferConditions.length = 0;
      }
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        const key = detached(selection.alias?.value ?? name);
        // Response keys become object properties: one that would reach the prototype is not ours to write.
        if (key === '__proto__') throw new UnsupportedOperation('a response key named __proto__');
        if (name === '__typename') {
          shape.push({ kind: 'field', key, typename: true, type: typeShapeOf(parentType as GraphQLOutputType), selection: undefined, conditions });
          continue;
        }
        if (name === '__schema' || name === '__type') {
          if (!atRoot) throw new UnsupportedOperation(`${name} below the root`);
          introspection = true;
          const type = name === '__schema' ? SchemaMetaFieldDef.type : TypeMetaFieldDef.type;
          shape.push({ kind: 'field', key, typename: false, introspection: true, type: typeShapeOf(type), selection: undefined, conditions });
          continue;
        }
        if (isAbstractType(parentType) && !('getFields' in parentType)) throw new UnsupportedOperation(`field ${name} on union ${parentType.name}`);
        const field = (parentType as { getFields(): Record<string, { type: GraphQLOutputType }> }).getFields()[name];
        if (!field) throw new UnsupportedOperation(`unknown field ${parentType.name}.${name}`);
        let named: GraphQLOutputType = field.type;
        while (isNonNullType(named) || isListType(named)) named = named.ofType as GraphQLOutputType;
        const sub = selection.selectionSet && isCompositeType(named) ? compileSelectionSet(selection.selectionSet, named, false) : undefined;
        shape.push({ kind: 'field', key, typename: false, type: typeShapeOf(field.type), selection: sub, conditions });
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const typeCondition = selection.typeCondition ? compositeType(schema, selection.typeCondition.name.value) : undefined;
        shape.push({
          kind: 'fragment',
          typeCondition,
          selection: compileSelectionSet(selection.selectionSet, typeCondition ?? parentType, atRoot),
          conditions,
        });
      } else {
        const name = selection.name.value;
        const definition = fragments.get(name);
        if (!definition) throw new UnsupportedOperation(`unknown fragment ${name}`);
        const typeCondition = compositeType(schema, definition.typeCondition.name.value);
        // Once at the root and once below it at most: what it may hold (introspection) depends on where it is.
        const cacheKey = atRoot ? `\u0000${name}` : name;
        let compiled = compiledFragments.get(cacheKey);
        if (!compiled) {
          compiled = [];
          // Registered before compiling its body: a fragment compiles once however often it is spread.
          compiledFragments.set(cacheKey, compiled);
          const outer = labelInFragment;
          labelInFragment = false;
          for (const entry of compileSelectionSet(definition.selectionSet, typeCondition, atRoot)) compiled.push(entry);
          fragmentHasLabel.set(name, labelInFragment);
          labelInFragment ||= outer;
        } else if (fragmentHasLabel.get(name)) {
          labelRepeats = true;
          labelInFragment = true;
        }
        shape.push({ kind: 'fragment', typeCondition, selection: compiled, conditions });
      }
    }
    return shape;
  }

  return { compileSelectionSet, hasDefer: () => hasDefer, deferLabelRepeats: () => labelRepeats, introspection: () => introspection };
}

function compositeType(schema: GraphQLSchema, name: string): GraphQLCompositeType {
  const type = schema.getType(name);
  if (!type || !isCompositeType(type)) throw new UnsupportedOperation(`unknown type ${name}`);
  return type;
}

function leafCheckOf(schema: GraphQLSchema, type: GraphQLOutputType): LeafCheck {
  if (isEnumType(type)) return LeafCheck.Enum;
  const name = (type as GraphQLLeafType).name;
  // Only the built-in scalars are checked; a custom scalar accepts any value.
  if (schema.getType(name) !== type) return LeafCheck.Any;
  switch (name) {
    case 'Int':
      return LeafCheck.Int;
    case 'ID':
      return LeafCheck.Id;
    case 'Float':
      return LeafCheck.Float;
    case 'String':
      return LeafCheck.String;
    case 'Boolean':
      return LeafCheck.Boolean;
    default:
      return LeafCheck.Any;
  }
}
