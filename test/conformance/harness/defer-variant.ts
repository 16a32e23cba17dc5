import { Kind, parse, print, visit, type InlineFragmentNode, type SelectionSetNode } from 'graphql';

/**
 * The same query with most of it deferred: in every selection set of two or more selections (the
 * operation's and every fragment's, at every depth), the first selection stays and the rest move
 * into `... @defer(label: "d<n>") { … }` (no label inside named fragments). Deferred blocks then nest, sit at the root, in lists, in
 * entities of other subgraphs and in abstract types: the whole corpus becomes a @defer corpus whose
 * merged payloads must equal the undeferred answer. Undefined for mutations and subscriptions (a
 * mutation must not run once more) and when nothing can be deferred.
 */
export function deferredVariant(query: string, operationName?: string): string | undefined {
  let document;
  try {
    document = parse(query);
  } catch {
    return undefined;
  }
  const operations = document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((definition) => definition.name?.value === operationName) : operations[0];
  if (!operation || operation.operation !== 'query') return undefined;
  let defers = 0;
  let inFragment = false;
  const deferred = visit(document, {
    FragmentDefinition: {
      enter: () => void (inFragment = true),
      leave: () => void (inFragment = false),
    },
    SelectionSet: {
      leave(node: SelectionSetNode): SelectionSetNode {
        if (node.selections.length < 2) return node;
        const [first, ...rest] = node.selections;
        // Unlabelled in named fragments (spread at several paths, a label would name them all), labelled elsewhere.
        const label = `d${defers++}`;
        const fragment: InlineFragmentNode = {
          kind: Kind.INLINE_FRAGMENT,
          directives: [
            {
              kind: Kind.DIRECTIVE,
              name: { kind: Kind.NAME, value: 'defer' },
              arguments: inFragment
                ? []
                : [{ kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: 'label' }, value: { kind: Kind.STRING, value: label } }],
            },
          ],
          selectionSet: { kind: Kind.SELECTION_SET, selections: rest },
        };
        return { ...node, selections: [first!, fragment] };
      },
    },
  });
  return defers === 0 ? undefined : print(deferred);
}
