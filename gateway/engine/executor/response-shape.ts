import {
  GraphQLError,
  isAbstractType,
  isCompositeType,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  type DirectiveNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLEnumType,
  type GraphQLLeafType,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { GatewayErrorCode } from '../../errors.js';

/**
 * The response shaping of one operation, compiled once and cached with its plan: what the client
 * asked for, in its order and under its aliases, read out of the merged subgraph data. Semantics
 * follow Apollo's post-processing (gateway-js `computeResponse`) so answers stay byte-identical:
 * null propagation to the nearest nullable parent, `__typename` from the runtime type, type
 * conditions by subtyping, leaf values checked against their type.
 */

/** `@skip(if:)` / `@include(if:)` on a selection: a literal or a variable's value. */
interface SkipCondition {
  skipWhen: boolean;
  literal?: boolean;
  variable?: string;
}

/** How a leaf value is checked against its type (Apollo's isValidLeafValue), decided at compile time. */
const enum LeafCheck {
  Any,
  Int,
  Id,
  Float,
  String,
  Boolean,
  Enum,
}

/** A field's type, unwrapped once at compile time: the shaping pass walks this instead of graphql-js types. */
interface TypeShape {
  /** 0: named type, 1: non-null of `of`, 2: list of `of`. */
  wrap: 0 | 1 | 2;
  of: TypeShape | undefined;
  type: GraphQLOutputType;
  composite: boolean;
  leaf: LeafCheck;
}

interface FieldShape {
  kind: 'field';
  key: string;
  /** `__typename` (under any alias). */
  typename: boolean;
  type: TypeShape;
  /** For composite fields, what is selected below. */
  selection: SelectionShape | undefined;
  conditions: SkipCondition[] | undefined;
}

interface FragmentShape {
  kind: 'fragment';
  typeCondition: GraphQLCompositeType | undefined;
  selection: SelectionShape;
  conditions: SkipCondition[] | undefined;
}

type SelectionShape = Array<FieldShape | FragmentShape>;

export interface OperationShape {
  readonly root: SelectionShape;
  readonly rootType: GraphQLCompositeType;
  /** Default values of the operation's variables (for @skip/@include when the client omits them). */
  readonly variableDefaults: Readonly<Record<string, unknown>>;
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

function conditionsOf(directives: readonly DirectiveNode[] | undefined): SkipCondition[] | undefined {
  if (!directives?.length) return undefined;
  let conditions: SkipCondition[] | undefined;
  for (const directive of directives) {
    const name = directive.name.value;
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
): OperationShape {
  const rootType = schema.getRootType(operation.operation);
  if (!rootType) throw new UnsupportedOperation(`no ${operation.operation} root type`);
  const compiledFragments = new Map<string, SelectionShape>();
  const typeShapes = new Map<GraphQLOutputType, TypeShape>();

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
      const conditions = conditionsOf(selection.directives);
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
          if (atRoot) throw new UnsupportedOperation('introspection');
          throw new UnsupportedOperation(`${name} below the root`);
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
        let compiled = compiledFragments.get(name);
        if (!compiled) {
          compiled = [];
          // Registered before compiling its body: a fragment compiles once however often it is spread.
          compiledFragments.set(name, compiled);
          for (const entry of compileSelectionSet(definition.selectionSet, typeCondition, atRoot)) compiled.push(entry);
        }
        shape.push({ kind: 'fragment', typeCondition, selection: compiled, conditions });
      }
    }
    return shape;
  }

  const variableDefaults: Record<string, unknown> = {};
  for (const definition of operation.variableDefinitions ?? []) {
    const value = definition.defaultValue;
    if (value?.kind === Kind.BOOLEAN) variableDefaults[detached(definition.variable.name.value)] = value.value;
  }
  return { root: compileSelectionSet(operation.selectionSet, rootType, true), rootType, variableDefaults };
}

function compositeType(schema: GraphQLSchema, name: string): GraphQLCompositeType {
  const type = schema.getType(name);
  if (!type || !isCompositeType(type)) throw new UnsupportedOperation(`unknown type ${name}`);
  return type;
}

/** The client's data and the field errors met while completing it (GraphQL spec 6.4.4). */
export interface ShapingResult {
  data: Record<string, unknown> | null;
  errors: GraphQLError[];
}

interface ShapingRun {
  schema: GraphQLSchema;
  variables: Record<string, unknown>;
  errors: GraphQLError[];
  path: Array<string | number>;
  /** Set by completeValue for its caller: the value is invalid (null where the type forbids it). */
  invalid: boolean;
  /** Set by completeValue: an error was reported below (no second error for the same null). */
  hasErrors: boolean;
}

function skipped(conditions: SkipCondition[] | undefined, variables: Record<string, unknown>): boolean {
  if (!conditions) return false;
  for (const condition of conditions) {
    const value = condition.literal ?? variables[condition.variable!];
    if (condition.skipWhen ? value === true : value !== true) return true;
  }
  return false;
}

function isSubtype(schema: GraphQLSchema, condition: GraphQLCompositeType, type: GraphQLNamedType): boolean {
  if (condition === type) return true;
  return isAbstractType(condition) && (isObjectType(type) || 'getInterfaces' in type) && schema.isSubType(condition, type as never);
}

function typeConditionApplies(
  run: ShapingRun,
  condition: GraphQLCompositeType | undefined,
  typename: unknown,
  parentType: GraphQLCompositeType,
): boolean {
  if (!condition) return true;
  if (typeof typename === 'string' && typename !== '') {
    const type = run.schema.getType(typename);
    return !!type && isSubtype(run.schema, condition, type);
  }
  return isSubtype(run.schema, condition, parentType);
}

function describe(path: ReadonlyArray<string | number>, type: { toString(): string }, parentType: GraphQLCompositeType): string {
  const element = path[path.length - 1];
  return typeof element === 'string' ? `field ${parentType.name}.${element}` : `array element of type ${type.toString()} at index ${element}`;
}

function valueCompletionError(message: string, path: ReadonlyArray<string | number>): GraphQLError {
  return new GraphQLError(message, { path: [...path], extensions: { code: GatewayErrorCode.INVALID_FIELD_VALUE } });
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

/** An integer that prints as digits (Apollo's `/^[+-]?\d+$/` over String(value)). */
function isIntegral(value: number): boolean {
  return Number.isInteger(value) && Math.abs(value) < 1e21;
}

function isValidLeaf(value: unknown, shape: TypeShape): boolean {
  switch (shape.leaf) {
    case LeafCheck.Any:
      return true;
    case LeafCheck.String:
      return typeof value === 'string';
    case LeafCheck.Boolean:
      return typeof value === 'boolean';
    case LeafCheck.Int:
      return typeof value === 'number' && isIntegral(value);
    case LeafCheck.Id:
      return typeof value === 'string' || (typeof value === 'number' && isIntegral(value));
    case LeafCheck.Float:
      return typeof value === 'number' && Number.isFinite(value);
    case LeafCheck.Enum:
      return typeof value === 'string' && (shape.type as GraphQLEnumType).getValue(value) !== undefined;
  }
}

/** Thrown where the merged data contradicts the schema in a way Apollo also refuses (a list that is not one). */
export class ShapingFailure extends Error {}

/** A property of parsed JSON: its own keys only (a response key like `constructor` must not read the prototype). */
function own(input: Record<string, unknown>, key: string): unknown {
  const value = input[key];
  return typeof value === 'function' ? undefined : value;
}

/** Returns false when a non-null field came out null: the caller nulls this object (bubbles up). */
function applySelection(
  run: ShapingRun,
  input: Record<string, unknown>,
  selection: SelectionShape,
  output: Record<string, unknown>,
  parentType: GraphQLCompositeType,
): boolean {
  for (const entry of selection) {
    if (entry.conditions && skipped(entry.conditions, run.variables)) continue;
    if (entry.kind === 'fragment') {
      if (typeConditionApplies(run, entry.typeCondition, own(input, '__typename'), parentType)) {
        if (!applySelection(run, input, entry.selection, output, entry.typeCondition ?? parentType)) return false;
      }
      continue;
    }
    const key = entry.key;
    const outputValue = output[key];
    let inputValue = own(input, key) ?? null;
    if (entry.typename) {
      if (outputValue === undefined) {
        if (inputValue === null && key !== '__typename') inputValue = own(input, '__typename') ?? null;
        const type = typeof inputValue === 'string' ? (run.schema.getType(inputValue) ?? parentType) : parentType;
        if (!isObjectType(type)) return false;
        output[key] = type.name;
      }
      continue;
    }
    run.path.push(key);
    const updated = completeValue(run, outputValue, entry.type, inputValue, entry.selection, parentType);
    const invalid = run.invalid;
    output[key] = updated;
    run.path.pop();
    if (invalid) return false;
  }
  return true;
}

function completeValue(
  run: ShapingRun,
  outputValue: unknown,
  type: TypeShape,
  inputValue: unknown,
  selection: SelectionShape | undefined,
  parentType: GraphQLCompositeType,
): unknown {
  run.invalid = false;
  run.hasErrors = false;
  if (outputValue === null || (outputValue !== undefined && !selection)) return outputValue;
  if (type.wrap === 1) {
    const inner = type.of!;
    const updated = completeValue(run, outputValue, inner, inputValue, selection, parentType);
    if (updated === null) {
      if (!run.hasErrors)
        run.errors.push(valueCompletionError(`Cannot return null for non-nullable ${describe(run.path, inner.type, parentType)}.`, run.path));
      run.invalid = true;
      run.hasErrors = true;
      return null;
    }
    run.invalid = false;
    run.hasErrors = false;
    return updated;
  }
  if (inputValue === null || inputValue === undefined) return null;
  if (type.wrap === 2) {
    if (!Array.isArray(inputValue))
      throw new ShapingFailure(`Invalid non-list value ${String(inputValue)} returned by subgraph for list type ${type.type.toString()}`);
    if (outputValue !== undefined && (!Array.isArray(outputValue) || outputValue.length !== inputValue.length)) {
      throw new ShapingFailure(`Invalid list value returned by subgraph for list type ${type.type.toString()}`);
    }
    const items = (outputValue as unknown[] | undefined) ?? new Array<unknown>(inputValue.length);
    let nullify = false;
    let hasErrors = false;
    const element = type.of!;
    for (let i = 0; i < inputValue.length; i++) {
      run.path.push(i);
      items[i] = completeValue(run, outputValue === undefined ? undefined : items[i], element, inputValue[i], selection, parentType);
      run.path.pop();
      nullify ||= run.invalid;
      hasErrors ||= run.hasErrors;
    }
    run.invalid = false;
    run.hasErrors = hasErrors;
    return nullify ? null : items;
  }
  if (type.composite) {
    if (!selection || typeof inputValue !== 'object') {
      throw new ShapingFailure(`Invalid non-object value ${String(inputValue)} returned by subgraph for composite type ${type.type.toString()}`);
    }
    const input = inputValue as Record<string, unknown>;
    const typename = own(input, '__typename');
    let objectType = type.type as GraphQLCompositeType;
    if (typeof typename === 'string' && typename !== '' && typename !== objectType.name) {
      const runtime = run.schema.getType(typename);
      if (!runtime || !isCompositeType(runtime)) {
        run.errors.push(valueCompletionError(`Invalid __typename found for object at ${describe(run.path, type.type, parentType)}.`, run.path));
        run.invalid = false;
        run.hasErrors = true;
        return null;
      }
      objectType = runtime;
    }
    const output = (outputValue as Record<string, unknown> | undefined) ?? {};
    const ok = applySelection(run, input, selection, output, objectType);
    run.invalid = false;
    run.hasErrors = !ok;
    return ok ? output : null;
  }
  const valid = isValidLeaf(inputValue, type);
  if (!valid) run.errors.push(valueCompletionError(`Invalid value found for ${describe(run.path, type.type, parentType)}.`, run.path));
  run.invalid = false;
  run.hasErrors = !valid;
  return valid ? inputValue : null;
}

/** Reads the client's response out of the merged data. */
export function shapeResponse(
  schema: GraphQLSchema,
  shape: OperationShape,
  input: Record<string, unknown>,
  variables: Record<string, unknown> | undefined,
): ShapingResult {
  const run: ShapingRun = {
    schema,
    variables: variables ? { ...shape.variableDefaults, ...variables } : (shape.variableDefaults as Record<string, unknown>),
    errors: [],
    path: [],
    invalid: false,
    hasErrors: false,
  };
  const data: Record<string, unknown> = {};
  const ok = applySelection(run, input, shape.root, data, shape.rootType);
  return { data: ok ? data : null, errors: run.errors };
}
