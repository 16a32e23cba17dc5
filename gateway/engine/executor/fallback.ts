import type { PlanNode } from '@apollo/query-planner';

/** Why an operation went to Apollo's executor (the metric's label; README lists them). */
export type FallbackReason = 'introspection' | 'subscription' | 'context' | 'query-plan-header' | 'variables' | 'unplannable' | 'unsupported';

/** The first part of a plan Switchyard's executor does not run (context rewrites), if any. */
export function unsupportedNode(node: PlanNode | undefined): FallbackReason | undefined {
  if (!node) return undefined;
  switch (node.kind) {
    case 'Sequence':
    case 'Parallel':
      for (const child of node.nodes) {
        const reason = unsupportedNode(child);
        if (reason) return reason;
      }
      return undefined;
    case 'Flatten':
      return unsupportedNode(node.node);
    case 'Condition':
      return unsupportedNode(node.ifClause) ?? unsupportedNode(node.elseClause);
    case 'Defer':
      return unsupportedNode(node.primary.node) ?? node.deferred.map((deferred) => unsupportedNode(deferred.node)).find(Boolean);
    case 'Fetch':
      return node.contextRewrites?.length ? 'context' : undefined;
  }
}
