import {
  GraphQLError,
  isAbstractType,
  isCompositeType,
  isObjectType,
  type GraphQLCompositeType,
  type GraphQLEnumType,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import { GatewayErrorCode } from '../../errors.js';
import { isPrefix } from './data-tree.js';
import { LeafCheck, type OperationShape, type SelectionShape, type SkipCondition, type TypeShape } from './compile-shape.js';

/**
 * Reads the client's response out of the merged subgraph data along a compiled shape
 * (compile-shape.ts). Semantics follow Apollo's post-processing (gateway-js `computeResponse`) so
 * answers stay byte-identical: null propagation to the nearest nullable parent, `__typename` from the
 * runtime type, type conditions by subtyping, leaf values checked against their type — and, unlike
 * Apollo, each non-null violation is a field error (GraphQL spec 6.4.4).
 */

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
    if (entry.introspection) {
      // graphql-js's answer (see introspection.ts), complete and checked already.
      output[key] = own(input, key) ?? null;
      continue;
    }
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

/**
 * Reads one deferred block out of the merged data: `selection` applied to the object at `path`
 * (its type from `__typename` when the data has it). `data` is null when a non-null field of the
 * block came out null (the null stops at the block, as the incremental delivery spec says).
 */
export function shapeSelectionAt(
  schema: GraphQLSchema,
  selection: SelectionShape,
  parentType: GraphQLCompositeType,
  input: Record<string, unknown>,
  variables: Record<string, unknown>,
  path: ReadonlyArray<string | number>,
): ShapingResult {
  const run: ShapingRun = { schema, variables, errors: [], path: [...path], invalid: false, hasErrors: false };
  const typename = own(input, '__typename');
  const runtime = typeof typename === 'string' ? schema.getType(typename) : undefined;
  const type = runtime && isCompositeType(runtime) ? runtime : parentType;
  const data: Record<string, unknown> = {};
  const ok = applySelection(run, input, selection, data, type);
  return { data: ok ? data : null, errors: run.errors };
}

/**
 * A non-null field that completes to null (or a leaf of the wrong type) is a field error with that
 * field's path (GraphQL spec 6.4.4), unless a subgraph error already covers it (at that path or an
 * ancestor): Apollo's executor only reports these in extensions.valueCompletion, or not at all.
 */
export function withCompletionErrors(fetchErrors: GraphQLError[], completionErrors: readonly GraphQLError[]): GraphQLError[] {
  if (completionErrors.length === 0) return fetchErrors;
  const located = fetchErrors.filter((error) => error.path);
  for (const error of completionErrors) {
    if (!located.some((fetchError) => isPrefix(fetchError.path!, error.path!))) fetchErrors.push(error);
  }
  return fetchErrors;
}
