import type { RemovalNode } from '../../gateway/plugins/auth/index.js';

/** The removal tree flattened into query paths (fragment subtrees expanded), for assertions. */
export function listRemovals(node: RemovalNode, path: string[] = []): Array<{ path: string[] }> {
  const found: Array<{ path: string[] }> = node.removed.map(({ key }) => ({ path: [...path, key] }));
  for (const [key, child] of node.children) found.push(...listRemovals(child, [...path, key]));
  for (const spread of node.spreads) found.push(...listRemovals(spread, path));
  return found;
}
