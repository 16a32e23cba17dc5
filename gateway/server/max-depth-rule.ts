import { GraphQLError, Kind, type SelectionSetNode, type ValidationRule } from 'graphql';

/**
 * A validation rule refusing operations whose fields nest deeper than `maxDepth` (`{ a { b } }` is
 * depth 2). It runs with GraphQL validation, so such a document is answered GRAPHQL_VALIDATION_FAILED
 * before any plugin (operation filter, cost model) recurses over it and overflows the stack.
 * Depth counts through fragment spreads and inline fragments. Each fragment's own depth is computed
 * once and reused at every spread (linear in the document), and no walk goes more than
 * `maxDepth + 1` fields deep, so recursion stays shallow; cycles (refused by NoFragmentCyclesRule) count 0.
 */
export function createMaxDepthRule(maxDepth: number): ValidationRule {
  const tooDeep = maxDepth + 1;
  return (context) => {
    const fragmentDepths = new Map<string, number>();

    /** The depth of `selectionSet`, capped at `limit`: the walk stops as soon as it reaches it. */
    function depthOf(selectionSet: SelectionSetNode, limit: number): number {
      let deepest = 0;
      for (const selection of selectionSet.selections) {
        let depth: number;
        if (selection.kind === Kind.FIELD) depth = selection.selectionSet && limit > 1 ? 1 + depthOf(selection.selectionSet, limit - 1) : 1;
        else if (selection.kind === Kind.INLINE_FRAGMENT) depth = depthOf(selection.selectionSet, limit);
        else depth = fragmentDepth(selection.name.value);
        if (depth > deepest) deepest = depth;
        if (deepest >= limit) return limit;
      }
      return deepest;
    }

    // A fragment's depth does not depend on where it is spread: computed once with the full budget.
    function fragmentDepth(name: string): number {
      const known = fragmentDepths.get(name);
      if (known !== undefined) return known;
      const fragment = context.getFragment(name);
      if (!fragment) return 0;
      fragmentDepths.set(name, 0);
      const depth = depthOf(fragment.selectionSet, tooDeep);
      fragmentDepths.set(name, depth);
      return depth;
    }

    return {
      OperationDefinition(operation) {
        if (depthOf(operation.selectionSet, tooDeep) === tooDeep) {
          const name = operation.name ? `Operation "${operation.name.value}"` : 'The operation';
          context.reportError(
            new GraphQLError(`${name} nests fields deeper than the maximum depth of ${maxDepth}; ask for less nesting.`, { nodes: operation }),
          );
        }
        return false;
      },
    };
  };
}
