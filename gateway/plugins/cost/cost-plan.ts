/**
 * A compiled cost: a number when the operation's cost does not depend on variables (the common
 * case, so evaluating it is free), else a constant plus list terms whose size comes from variables.
 */
export type CostPlan = number | CostNode;

export interface CostNode {
  constant: number;
  terms: readonly ListTerm[];
}

/** `scale × size × item`, where size is the largest of the given variables, else `fallback`. */
export interface ListTerm {
  scale: number;
  /** Slicing arguments passed as variables, with the operation's default for each. */
  variables: ReadonlyArray<{ name: string; defaultValue: number | undefined }>;
  /** Largest literal slicing argument, or -1 when none was given literally. */
  literal: number;
  fallback: number;
  item: CostPlan;
}

export function addPlans(a: CostPlan, b: CostPlan): CostPlan {
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  const left = typeof a === 'number' ? { constant: a, terms: [] } : a;
  const right = typeof b === 'number' ? { constant: b, terms: [] } : b;
  return { constant: left.constant + right.constant, terms: [...left.terms, ...right.terms] };
}

export function scalePlan(plan: CostPlan, factor: number): CostPlan {
  if (typeof plan === 'number') return plan * factor;
  return { constant: plan.constant * factor, terms: plan.terms.map((t) => ({ ...t, scale: t.scale * factor })) };
}

/** The larger of two plans; when either depends on variables, their sum (an upper bound). */
export function maxPlans(a: CostPlan, b: CostPlan): CostPlan {
  return typeof a === 'number' && typeof b === 'number' ? Math.max(a, b) : addPlans(a, b);
}

/** Where a list's size comes from. */
export type ListSizing = Omit<ListTerm, 'scale' | 'item'>;

/** A list of `item`: folded into a number when its size is known now, else a term for request time. */
export function listPlan(term: ListSizing, item: CostPlan): CostPlan {
  if (term.variables.length === 0) return scalePlan(item, term.literal >= 0 ? term.literal : term.fallback);
  return { constant: 0, terms: [{ ...term, scale: 1, item }] };
}

function sizeOf(term: ListTerm, variables: Readonly<Record<string, unknown>> | undefined): number {
  let size = term.literal;
  for (const variable of term.variables) {
    const value = variables?.[variable.name] ?? variable.defaultValue;
    if (typeof value === 'number' && value > size) size = value;
  }
  return size >= 0 ? size : term.fallback;
}

/** Evaluates a plan with the request's variables (no allocation). */
export function evaluatePlan(plan: CostPlan, variables: Readonly<Record<string, unknown>> | undefined): number {
  if (typeof plan === 'number') return plan;
  let total = plan.constant;
  for (const term of plan.terms) total += term.scale * sizeOf(term, variables) * evaluatePlan(term.item, variables);
  return total;
}
