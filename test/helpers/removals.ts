import type { RemovalNode } from '../../gateway/plugins/auth/index.js';

/** The removal tree flattened into query paths (fragment subtrees expanded), for assertions. */
export function listRemovals(node: RemovalNode, path: string[] = []): Array<{ path: string[]; onType?: string }> {
  const found: Array<{ path: string[]; onType?: string }> = node.removed.map(({ key, onType }) => ({ path: [...path, key], ...(onType ? { onType } : {}) }));
  for (const [key, child] of node.children) found.push(...listRemovals(child, [...path, key]));
  for (const spread of node.spreads) found.push(...listRemovals(spread, path));
  return found;
}
