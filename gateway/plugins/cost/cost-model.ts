import {
  getNamedType,
  getNullableType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  type DirectiveNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import type { SupergraphModel } from '../../supergraph/index.js';
import { readCostDirectives, type CostDirectives, type ListSizeDirective } from './cost-directives.js';
import { addPlans, evaluatePlan, guardPlan, listPlan, maxPlans, type CostPlan, type ListSizing } from './cost-plan.js';

export interface CostSettings {
  /** Size of a list whose size neither arguments nor `@listSize` give. */
  defaultListSize: number;
  /** Argument names read as a list's size when its field has no `@listSize(slicingArguments:)`. */
  listSizeArguments: readonly string[];
  /** Cost of each `__schema` or `__type` field (each alias again); `__typename` is free. */
  introspectionCost: number;
}

export interface CostModel {
  /** The operation's estimated cost; the variable-independent part is compiled once per operation. */
  costOf(document: DocumentNode, operation: OperationDefinitionNode, variables: Readonly<Record<string, unknown>> | undefined): number;
}

/** `@listSize(sizedFields:)`: the children so named are lists of the parent field's size. */
interface ChildSizing {
  fields: readonly string[];
  sizing: ListSizing;
}

interface Compilation {
  fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  variableDefaults: ReadonlyMap<string, number | undefined>;
  booleanDefaults: ReadonlyMap<string, boolean | undefined>;
  /** Each fragment's plan, compiled once per sizing context (almost always none) and reused at every spread. */
  fragmentPlans: Map<ChildSizing | undefined, Map<string, CostPlan>>;
}

/**
 * What `@skip`/`@include` decide for a selection: true (it runs), false (it never does, with
 * literal arguments), or the variable that decides at request time. Both on one selection with
 * variables count as one guard on `@include` (an upper bound).
 */
function conditionOf(
  directives: readonly DirectiveNode[] | undefined,
  c: Compilation,
): true | false | { variable: string; include: boolean; defaultValue: boolean | undefined } {
  let result: true | { variable: string; include: boolean; defaultValue: boolean | undefined } = true;
  for (const directive of directives ?? []) {
    const name = directive.name.value;
    if (name !== 'skip' && name !== 'include') continue;
    const value = directive.arguments?.find((a) => a.name.value === 'if')?.value;
    if (value?.kind === Kind.BOOLEAN) {
      if (value.value !== (name === 'include')) return false;
    } else if (value?.kind === Kind.VARIABLE && result === true) {
      result = { variable: value.name.value, include: name === 'include', defaultValue: c.booleanDefaults.get(value.name.value) };
    }
  }
  return result;
}

/** The selection without its `@skip`/`@include` (their effect is in the guard). */
function stripConditions<T extends SelectionNode>(selection: T): T {
  return { ...selection, directives: selection.directives?.filter((d) => d.name.value !== 'skip' && d.name.value !== 'include') };
}

/**
 * Builds the cost model of one supergraph, following the cost spec Federation 2.9 adopted
 * (https://ibm.github.io/graphql-specs/cost-spec.html): an object (or interface, union) costs 1,
 * a scalar or enum 0, unless `@cost(weight:)` on the field or its type says otherwise; a provided
 * argument with `@cost` adds its weight; a list multiplies its item's cost by its size, read from its
 * slicing arguments (`@listSize(slicingArguments:)` or the configured names), else `@listSize(assumedSize:)`,
 * else the configured default. Fragments on different types count the most expensive one.
 * `__schema` and `__type` cost `settings.introspectionCost` each; `__typename` costs 0. The type
 * information comes from the supergraph SDL itself (a superset of the API schema).
 */
export function createCostModel(supergraph: SupergraphModel, settings: CostSettings): CostModel {
  const schema: GraphQLSchema = supergraph.schema;
  const directives: CostDirectives = readCostDirectives(supergraph);
  // Keyed by Apollo's cached operation node: entries go when Apollo's document cache drops them.
  const plans = new WeakMap<OperationDefinitionNode, CostPlan>();

  function sizingOf(
    field: FieldNode,
    args: ReadonlyArray<{ name: string; defaultValue: unknown }>,
    listSize: ListSizeDirective | undefined,
    c: Compilation,
  ): ListSizing {
    const names = listSize?.slicingArguments ?? settings.listSizeArguments;
    let literal = -1;
    const variables: Array<{ name: string; defaultValue: number | undefined }> = [];
    for (const name of names) {
      const given = field.arguments?.find((a) => a.name.value === name)?.value;
      if (given?.kind === Kind.INT) literal = Math.max(literal, Number(given.value));
      else if (given?.kind === Kind.VARIABLE) variables.push({ name: given.name.value, defaultValue: c.variableDefaults.get(given.name.value) });
      else if (!given) {
        const schemaDefault = args.find((a) => a.name === name)?.defaultValue;
        if (typeof schemaDefault === 'number') literal = Math.max(literal, schemaDefault);
      }
    }
    return { literal, variables, fallback: listSize?.assumedSize ?? settings.defaultListSize };
  }

  function compileField(parent: GraphQLCompositeType, field: FieldNode, c: Compilation, sizedBy?: ChildSizing): CostPlan {
    const name = field.name.value;
    // Introspection answers from the gateway but is not free to build: without a price, 1000 aliases
    // of `__schema` in one request would be admitted.
    if (name === '__schema' || name === '__type') return settings.introspectionCost;
    if (name.startsWith('__') || (!isObjectType(parent) && !isInterfaceType(parent))) return 0;
    const definition = parent.getFields()[name];
    if (!definition) return 0;
    const key = `${parent.name}.${name}`;
    const namedType = getNamedType(definition.type);
    let cost: CostPlan = directives.fieldWeights.get(key) ?? directives.typeWeights.get(namedType.name) ?? (isCompositeType(namedType) ? 1 : 0);
    for (const arg of field.arguments ?? []) cost = addPlans(cost, directives.argumentWeights.get(`${key}(${arg.name.value})`) ?? 0);
    const listSize = directives.listSizes.get(key);
    if (field.selectionSet && isCompositeType(namedType)) {
      const forChildren = listSize?.sizedFields?.length
        ? { fields: listSize.sizedFields, sizing: sizingOf(field, definition.args, listSize, c) }
        : undefined;
      cost = addPlans(cost, compileSelectionSet(namedType, field.selectionSet, c, forChildren));
    }
    if (sizedBy?.fields.includes(name)) return listPlan(sizedBy.sizing, cost);
    if (!isListType(getNullableType(definition.type)) || listSize?.sizedFields?.length) return cost;
    return listPlan(sizingOf(field, definition.args, listSize, c), cost);
  }

  function compileSelectionSet(type: GraphQLCompositeType, selectionSet: SelectionSetNode, c: Compilation, sizedBy?: ChildSizing): CostPlan {
    let always: CostPlan = 0;
    const byType = new Map<string, CostPlan>();
    const addFragment = (condition: string | undefined, inner: SelectionSetNode) => {
      const target = condition ? schema.getType(condition) : type;
      if (!target || !isCompositeType(target)) return;
      const plan = compileSelectionSet(target, inner, c, sizedBy);
      if (!condition || condition === type.name) always = addPlans(always, plan);
      else byType.set(condition, addPlans(byType.get(condition) ?? 0, plan));
    };
    const addSpread = (name: string) => {
      const fragment = c.fragments.get(name);
      if (!fragment) return;
      let plans = c.fragmentPlans.get(sizedBy);
      if (!plans) c.fragmentPlans.set(sizedBy, (plans = new Map()));
      let plan = plans.get(name);
      if (plan === undefined) {
        // A fragment's type condition fixes its type wherever it is spread, so its plan is reusable.
        plans.set(name, 0); // a cycle (refused by validation) cannot loop
        const target = schema.getType(fragment.typeCondition.name.value);
        plan = target && isCompositeType(target) ? compileSelectionSet(target, fragment.selectionSet, c, sizedBy) : 0;
        plans.set(name, plan);
      }
      const condition = fragment.typeCondition.name.value;
      if (condition === type.name) always = addPlans(always, plan);
      else byType.set(condition, addPlans(byType.get(condition) ?? 0, plan));
    };
    for (const selection of selectionSet.selections) {
      const condition = conditionOf(selection.directives, c);
      if (condition === false) continue;
      if (condition !== true) {
        // Only under a variable's @include/@skip: counted when the request's variables let it run.
        always = addPlans(
          always,
          guardPlan(condition, compileSelectionSet(type, { kind: Kind.SELECTION_SET, selections: [stripConditions(selection)] }, c, sizedBy)),
        );
        continue;
      }
      if (selection.kind === Kind.FIELD) always = addPlans(always, compileField(type, selection, c, sizedBy));
      else if (selection.kind === Kind.INLINE_FRAGMENT) addFragment(selection.typeCondition?.name.value, selection.selectionSet);
      else addSpread(selection.name.value);
    }
    let mostExpensive: CostPlan = 0;
    for (const plan of byType.values()) mostExpensive = maxPlans(mostExpensive, plan);
    return addPlans(always, mostExpensive);
  }

  function compile(document: DocumentNode, operation: OperationDefinitionNode): CostPlan {
    const booleanDefaults = new Map<string, boolean | undefined>();
    for (const variable of operation.variableDefinitions ?? []) {
      const value = variable.defaultValue;
      booleanDefaults.set(variable.variable.name.value, value?.kind === Kind.BOOLEAN ? value.value : undefined);
    }
    const root = schema.getRootType(operation.operation);
    if (!root) return 0;
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    const variableDefaults = new Map<string, number | undefined>();
    for (const variable of operation.variableDefinitions ?? []) {
      const value = variable.defaultValue;
      variableDefaults.set(variable.variable.name.value, value?.kind === Kind.INT ? Number(value.value) : undefined);
    }
    return compileSelectionSet(root, operation.selectionSet, { fragments, variableDefaults, booleanDefaults, fragmentPlans: new Map() });
  }

  return {
    costOf(document, operation, variables) {
      let plan = plans.get(operation);
      if (plan === undefined) {
        plan = compile(document, operation);
        plans.set(operation, plan);
      }
      return evaluatePlan(plan, variables);
    },
  };
}
