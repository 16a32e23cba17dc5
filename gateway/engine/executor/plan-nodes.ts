import type { PlanNode } from '@apollo/query-planner';

/** True when `test` holds for `node` or any node below it (every branch of Conditions and Defers). */
export function somePlanNode(node: PlanNode | undefined, test: (node: PlanNode) => boolean): boolean {
  if (!node) return false;
  if (test(node)) return true;
  switch (node.kind) {
    case 'Sequence':
    case 'Parallel':
      return node.nodes.some((child) => somePlanNode(child, test));
    case 'Flatten':
      return somePlanNode(node.node, test);
    case 'Condition':
      return somePlanNode(node.ifClause, test) || somePlanNode(node.elseClause, test);
    case 'Defer':
      return somePlanNode(node.primary.node, test) || node.deferred.some((deferred) => somePlanNode(deferred.node, test));
    case 'Fetch':
      return false;
  }
}
