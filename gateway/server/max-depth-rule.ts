import { GraphQLError, Kind, type SelectionSetNode, type ValidationRule } from 'graphql';

/**
 * A validation rule refusing operations whose fields nest deeper than `maxDepth` (`{ a { b } }` is
 * depth 2). It runs with GraphQL validation, so such a document is answered GRAPHQL_VALIDATION_FAILED
 * before any plugin (operation filter, cost model) recurses over it and overflows the stack.
 * The walk is iterative and counts through fragment spreads and inline fragments; a fragment is
 * expanded again only at a greater depth than before, so cycles (refused by NoFragmentCyclesRule
 * anyway) and fragments spread many times stay cheap.
 */
export function createMaxDepthRule(maxDepth: number): ValidationRule {
  return (context) => ({
    OperationDefinition(operation) {
      const expandedAt = new Map<string, number>();
      // Each entry: a selection set whose fields are at depth `parent + 1`.
      const stack: Array<[SelectionSetNode, number]> = [[operation.selectionSet, 0]];
      while (stack.length > 0) {
        const [selectionSet, parent] = stack.pop()!;
        for (const selection of selectionSet.selections) {
          if (selection.kind === Kind.FIELD) {
            if (parent + 1 > maxDepth) {
              const name = operation.name ? `Operation "${operation.name.value}"` : 'The operation';
              context.reportError(
                new GraphQLError(`${name} nests fields deeper than the maximum depth of ${maxDepth}; ask for less nesting.`, { nodes: operation }),
              );
              return false;
            }
            if (selection.selectionSet) stack.push([selection.selectionSet, parent + 1]);
          } else if (selection.kind === Kind.INLINE_FRAGMENT) {
            stack.push([selection.selectionSet, parent]);
          } else {
            const fragment = context.getFragment(selection.name.value);
            const before = expandedAt.get(selection.name.value);
            if (!fragment || (before !== undefined && before >= parent)) continue;
            expandedAt.set(selection.name.value, parent);
            stack.push([fragment.selectionSet, parent]);
          }
        }
      }
      return false;
    },
  });
}
