/**
 * A compiled cost: a number when the operation's cost does not depend on variables (the common
 * case, so evaluating it is free), else a constant plus list terms whose size comes from variables.
 */
export type CostPlan = number | CostNode;

export interface CostNode {
  constant: number;
  /** Each list term at most once, with how many times it counts: fragments spread N times share one term. */
  terms: readonly ScaledTerm[];
}

export interface ScaledTerm {
  term: ListTerm | GuardTerm;
  scale: number;
}

/** `item` counted only when `@include(if: $variable)` (or `@skip`, negated) lets its field run. */
export interface GuardTerm {
  kind: 'guard';
  variable: string;
  /** True for `@include`, false for `@skip`. */
  include: boolean;
  /** The operation's default for the variable. */
  defaultValue: boolean | undefined;
  item: CostPlan;
}

/** `size × item`, where size is the largest of the given variables, else `literal`, else `fallback`. */
export interface ListTerm {
  kind?: 'list';
  /** Slicing arguments passed as variables, with the operation's default for each. */
  variables: ReadonlyArray<{ name: string; defaultValue: number | undefined }>;
  /** Largest literal slicing argument, or -1 when none was given literally. */
  literal: number;
  fallback: number;
  item: CostPlan;
}

/** Where a list's size comes from. */
export type ListSizing = Omit<ListTerm, 'item'>;

const asNode = (plan: CostPlan): CostNode => (typeof plan === 'number' ? { constant: plan, terms: [] } : plan);

export function addPlans(a: CostPlan, b: CostPlan): CostPlan {
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  const left = asNode(a);
  const right = asNode(b);
  if (right.terms.length === 0) return { constant: left.constant + right.constant, terms: left.terms };
  if (left.terms.length === 0) return { constant: left.constant + right.constant, terms: right.terms };
  // Merged by term, so adding a plan to itself (a fragment spread twice) doubles scales, not lists.
  const scales = new Map<ListTerm | GuardTerm, number>();
  for (const { term, scale } of left.terms) scales.set(term, (scales.get(term) ?? 0) + scale);
  for (const { term, scale } of right.terms) scales.set(term, (scales.get(term) ?? 0) + scale);
  return { constant: left.constant + right.constant, terms: [...scales].map(([term, scale]) => ({ term, scale })) };
}

export function scalePlan(plan: CostPlan, factor: number): CostPlan {
  if (typeof plan === 'number') return plan * factor;
  return { constant: plan.constant * factor, terms: plan.terms.map(({ term, scale }) => ({ term, scale: scale * factor })) };
}

/** The larger of two plans; when either depends on variables, their sum (an upper bound). */
export function maxPlans(a: CostPlan, b: CostPlan): CostPlan {
  return typeof a === 'number' && typeof b === 'number' ? Math.max(a, b) : addPlans(a, b);
}

/** A list of `item`: folded into a number when its size is known now, else a term for request time. */
export function listPlan(sizing: ListSizing, item: CostPlan): CostPlan {
  if (sizing.variables.length === 0) return scalePlan(item, sizing.literal >= 0 ? sizing.literal : sizing.fallback);
  return { constant: 0, terms: [{ term: { ...sizing, item }, scale: 1 }] };
}

/** A selection under `@include`/`@skip` with a variable: its cost counts only when it runs. */
export function guardPlan(guard: Omit<GuardTerm, 'kind' | 'item'>, item: CostPlan): CostPlan {
  if (item === 0) return 0;
  return { constant: 0, terms: [{ term: { kind: 'guard', ...guard, item }, scale: 1 }] };
}

function sizeOf(term: ListTerm | GuardTerm, variables: Readonly<Record<string, unknown>> | undefined): number {
  if (term.kind === 'guard') {
    const value = variables?.[term.variable] ?? term.defaultValue;
    return (value === true) === term.include ? 1 : 0;
  }
  let size = term.literal;
  for (const variable of term.variables) {
    const value = variables?.[variable.name] ?? variable.defaultValue;
    // Non-finite sizes (1e309 parses as Infinity) are refused at the edge; never let one through here.
    if (typeof value === 'number' && Number.isFinite(value) && value > size) size = value;
  }
  return size >= 0 ? size : term.fallback;
}

/**
 * Evaluates a plan with the request's variables. Plans that do not depend on variables are numbers
 * (no work); otherwise each shared sub-plan is evaluated once per call.
 */
export function evaluatePlan(plan: CostPlan, variables: Readonly<Record<string, unknown>> | undefined): number {
  if (typeof plan === 'number') return plan;
  const memo = new Map<CostNode, number>();
  const evaluate = (node: CostPlan): number => {
    if (typeof node === 'number') return node;
    const known = memo.get(node);
    if (known !== undefined) return known;
    let total = node.constant;
    for (const { term, scale } of node.terms) total += scale * sizeOf(term, variables) * evaluate(term.item);
    memo.set(node, total);
    return total;
  };
  return evaluate(plan);
}
