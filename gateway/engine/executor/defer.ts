import type { DeferNode, DeferredNode, PlanNode } from '@apollo/query-planner';
import {
  DirectiveLocation,
  GraphQLBoolean,
  GraphQLDirective,
  GraphQLError,
  GraphQLNonNull,
  GraphQLString,
  isCompositeType,
  parse,
  visit,
  type DocumentNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
} from 'graphql';
import type { IncrementalItem, SubsequentPayload } from '../incremental.js';
import { compileSelectionShape, UnsupportedOperation, type FieldShape, type OperationShape, type SelectionShape } from './compile-shape.js';
import { collectAtPath, isPrefix } from './data-tree.js';
import { somePlanNode } from './plan-nodes.js';
import { executePlanNode, type PlanRun } from './execute-plan.js';
import { shapeSelectionAt } from './response-shape.js';

/**
 * `@defer` as Apollo Router serves it (incremental delivery, deferSpec=20220824): the planner splits
 * the operation into a primary block and deferred blocks (DeferNode); the primary's answer goes out
 * first, each deferred block runs once the primary is merged (its `depends` are primary fetches) and
 * is sent as soon as it is done: one incremental item per object at its path.
 */

const FRAGMENT_PREFIX = '... on ';

/** One deferred block, compiled with the plan: where its objects are and what each payload holds. */
export interface DeferredBlock {
  readonly deferred: DeferredNode;
  readonly parentType: GraphQLCompositeType;
  readonly selection: SelectionShape;
  /** The block's own node holds further defers (`@defer` inside `@defer`). */
  readonly inner: DeferPlan | undefined;
}

export interface DeferPlan {
  readonly node: DeferNode;
  readonly blocks: readonly DeferredBlock[];
}

/** Follows Condition nodes by the request's variables (the plan's `@defer(if:)`, `@skip`/`@include` splits). */
export function throughConditions(node: PlanNode | undefined, variables: Readonly<Record<string, unknown>>): PlanNode | undefined {
  while (node?.kind === 'Condition') node = variables[node.condition] === true ? node.ifClause : node.elseClause;
  return node;
}

/** True when a Defer node sits anywhere below `node` (where this executor does not run one). */
function containsDefer(node: PlanNode | undefined): boolean {
  return somePlanNode(node, (below) => below.kind === 'Defer');
}

/** The Defer nodes reachable through Conditions from `node`; throws when one sits elsewhere. */
function defersAt(node: PlanNode | undefined, into: DeferNode[]): void {
  if (!node) return;
  if (node.kind === 'Condition') {
    defersAt(node.ifClause, into);
    defersAt(node.elseClause, into);
  } else if (node.kind === 'Defer') {
    into.push(node);
  } else if (containsDefer(node)) {
    throw new UnsupportedOperation('a @defer below the plan root');
  }
}

/** The fields of `selection` (through its fragments) with response key `key`. */
function fieldsWithKey(selection: SelectionShape, key: string, into: FieldShape[] = []): FieldShape[] {
  for (const entry of selection) {
    if (entry.kind === 'field') {
      if (entry.key === key) into.push(entry);
    } else fieldsWithKey(entry.selection, key, into);
  }
  return into;
}

/**
 * The composite type at a deferred block's `queryPath` (response keys and `... on T`) and what the
 * client selected there (every selection of that key), read from the operation's whole shape.
 */
function clientAtPath(schema: GraphQLSchema, shape: OperationShape, queryPath: readonly string[]) {
  let type = shape.rootType;
  let selections: SelectionShape[] = [shape.root];
  for (const element of queryPath) {
    if (element.startsWith(FRAGMENT_PREFIX)) {
      const named = schema.getType(element.slice(FRAGMENT_PREFIX.length));
      if (!named || !isCompositeType(named)) throw new UnsupportedOperation(`unknown type in defer path ${element}`);
      type = named;
      continue;
    }
    const fields = selections.flatMap((selection) => fieldsWithKey(selection, element)).filter((field) => !field.typename);
    if (fields.length === 0) throw new UnsupportedOperation(`defer path element ${element} not in the operation`);
    let typeShape = fields[0]!.type;
    while (typeShape.of) typeShape = typeShape.of;
    if (!isCompositeType(typeShape.type)) throw new UnsupportedOperation(`defer path element ${element} is a leaf`);
    type = typeShape.type;
    selections = fields.flatMap((field) => (field.selection ? [field.selection] : []));
  }
  return { type, selections };
}

/**
 * The planner's subselection of a block, less the `__typename`s it added for its own type
 * conditions where the client selected none: the payload holds what the client asked for.
 */
function withoutPlannerTypenames(selection: SelectionShape, client: readonly SelectionShape[]): SelectionShape {
  const asked = client.some((entry) => fieldsWithKey(entry, '__typename').length > 0);
  const pruned: SelectionShape = [];
  for (const entry of selection) {
    if (entry.kind === 'fragment') {
      pruned.push({ ...entry, selection: withoutPlannerTypenames(entry.selection, client) });
    } else if (entry.typename && entry.key === '__typename') {
      if (asked) pruned.push(entry);
    } else if (entry.selection) {
      const below = client.flatMap((shape) => fieldsWithKey(shape, entry.key).flatMap((field) => (field.selection ? [field.selection] : [])));
      pruned.push({ ...entry, selection: withoutPlannerTypenames(entry.selection, below) });
    } else {
      pruned.push(entry);
    }
  }
  return pruned;
}

function compileBlock(schema: GraphQLSchema, shape: OperationShape, deferred: DeferredNode): DeferredBlock {
  const { type: parentType, selections: client } = clientAtPath(schema, shape, deferred.queryPath);
  // A block holding further defers prints its own part as the inner Defer's primary subselection.
  const nested = deferred.node?.kind === 'Defer' ? deferred.node : undefined;
  const subselection = nested ? nested.primary.subselection : deferred.subselection;
  if (!nested && (deferred.subselection === undefined || containsDefer(deferred.node))) {
    throw new UnsupportedOperation('a deferred block with conditional or non-leading nested defers');
  }
  const selection = subselection ? withoutPlannerTypenames(compileSelectionShape(schema, parentType, selectionSetOf(subselection)), client) : [];
  return { deferred, parentType, selection, inner: nested ? compileDeferPlan(schema, shape, nested) : undefined };
}

function selectionSetOf(subselection: string) {
  const definition = parse(subselection, { noLocation: true }).definitions[0];
  if (definition?.kind !== 'OperationDefinition') throw new UnsupportedOperation('a deferred subselection that is not a selection set');
  return definition.selectionSet;
}

function compileDeferPlan(schema: GraphQLSchema, shape: OperationShape, node: DeferNode): DeferPlan {
  if (containsDefer(node.primary.node)) throw new UnsupportedOperation('a @defer inside a primary block');
  return { node, blocks: node.deferred.map((deferred) => compileBlock(schema, shape, deferred)) };
}

/**
 * Compiles every Defer node at the plan's root (through Conditions). Throws UnsupportedOperation for
 * a plan shape this executor does not deliver incrementally; the caller then serves it whole.
 */
export function compileDeferPlans(schema: GraphQLSchema, fullShape: OperationShape, root: PlanNode | undefined): Map<DeferNode, DeferPlan> {
  const defers: DeferNode[] = [];
  defersAt(root, defers);
  const plans = new Map(defers.map((node) => [node, compileDeferPlan(schema, fullShape, node)]));
  // A labelled @defer in a named fragment spread at several paths: the planner gives every copy the
  // first copy's path (its fetches are right, the block's path is not). Such operations are served whole.
  for (const plan of plans.values()) {
    const labels = new Set<string>();
    const visit = (current: DeferPlan): void => {
      for (const block of current.blocks) {
        const label = block.deferred.label;
        if (label !== undefined && labels.has(label)) throw new UnsupportedOperation('a @defer label at more than one path');
        if (label !== undefined) labels.add(label);
        if (block.inner) visit(block.inner);
      }
    };
    visit(plan);
  }
  return plans;
}

/** Later payloads, queued as blocks finish and read once by the HTTP layer. */
export class IncrementalChannel implements AsyncIterable<SubsequentPayload> {
  private pending = 0;
  private readonly queue: SubsequentPayload[] = [];
  private wake: (() => void) | undefined;

  expect(blocks: number): void {
    this.pending += blocks;
  }

  deliver(items: IncrementalItem[]): void {
    this.pending--;
    const hasNext = this.pending > 0;
    // A block with nothing at its path sends nothing, unless it is the last one (hasNext: false).
    if (items.length === 0 && hasNext) return;
    this.queue.push({ hasNext, incremental: items });
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<SubsequentPayload> {
    for (;;) {
      const next = this.queue.shift();
      if (next) {
        yield next;
        if (!next.hasNext) return;
        continue;
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }
}

/** What every deferred block of one request shares. */
export interface DeferRun {
  /** The primary's run: its data tree, context and signal (each block collects its own errors). */
  readonly run: PlanRun;
  readonly apiSchema: GraphQLSchema;
  /** The request's variables with the operation's defaults (for `@skip`/`@include` in the blocks). */
  readonly variables: Record<string, unknown>;
  readonly channel: IncrementalChannel;
}

/** The block's payload: one item per object at its path; each error with the item its path lies in (else the first). */
function itemsOf(defer: DeferRun, run: PlanRun, block: DeferredBlock, fetchErrors: GraphQLError[]): IncrementalItem[] {
  const objects: unknown[] = [];
  const paths: Array<Array<string | number>> = [];
  collectAtPath(run.supergraphSchema, run.data, block.deferred.queryPath, 0, objects, [], paths);
  const items: IncrementalItem[] = [];
  const addItem = (object: unknown, path: Array<string | number>): void => {
    if (typeof object !== 'object' || object === null) return;
    if (Array.isArray(object)) {
      // The path ends at a list field: one item per object in it, at its index.
      for (let index = 0; index < object.length; index++) addItem(object[index], [...path, index]);
      return;
    }
    const shaped = shapeSelectionAt(defer.apiSchema, block.selection, block.parentType, object as Record<string, unknown>, defer.variables, path);
    const item: IncrementalItem = { data: shaped.data, path };
    if (block.deferred.label !== undefined) item.label = block.deferred.label;
    if (shaped.errors.length) item.errors = shaped.errors;
    items.push(item);
  };
  for (let i = 0; i < objects.length; i++) addItem(objects[i], paths[i]!);
  for (const error of fetchErrors) {
    const owner = (error.path && items.find((item) => isPrefix(item.path, error.path!))) || items[0];
    if (owner) (owner.errors ??= []).push(error);
  }
  return items;
}

/** The deferred blocks of `plan`, once its primary is merged: each starts now, its payload goes to the channel when done. */
export function startDeferredBlocks(defer: DeferRun, plan: DeferPlan, counted = false): void {
  if (!counted) defer.channel.expect(plan.blocks.length);
  for (const block of plan.blocks) void runBlock(defer, block);
}

async function runBlock(defer: DeferRun, block: DeferredBlock): Promise<void> {
  const run: PlanRun = { ...defer.run, errors: [] };
  let items: IncrementalItem[] = [];
  try {
    const node = block.inner ? block.inner.node.primary.node : block.deferred.node;
    if (node) await executePlanNode(run, node, [], [run.data]);
    items = itemsOf(defer, run, block, run.errors);
  } catch (error) {
    const failure = error instanceof GraphQLError ? error : new GraphQLError('Internal server error.', { originalError: error as Error });
    defer.channel.deliver([{ data: null, path: [], errors: [failure] }]);
    return;
  }
  // Nested blocks are counted before this one is delivered (hasNext stays true until they are) and
  // started after it: their items land in objects this block's payload gives the client.
  if (block.inner) defer.channel.expect(block.inner.blocks.length);
  defer.channel.deliver(items);
  if (block.inner) startDeferredBlocks(defer, block.inner, true);
}

/** `@defer` as the incremental delivery RFC (and Apollo Router's API schema) declares it. */
export const DEFER_DIRECTIVE = new GraphQLDirective({
  name: 'defer',
  locations: [DirectiveLocation.FRAGMENT_SPREAD, DirectiveLocation.INLINE_FRAGMENT],
  args: { label: { type: GraphQLString }, if: { type: new GraphQLNonNull(GraphQLBoolean), defaultValue: true } },
});

/** The document with every `@defer` removed (the fragments stay, delivered with the rest). */
export function withoutDefer(document: DocumentNode): DocumentNode {
  return visit(document, { Directive: (directive) => (directive.name.value === 'defer' ? null : undefined) });
}
