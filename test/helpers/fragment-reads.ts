import { Kind, parse, type DocumentNode, type SelectionSetNode } from 'graphql';

/**
 * Parses `source` and counts how often anything reads a fragment definition's selections, so a
 * test can prove a walker handles each fragment once (linear work) instead of once per spread
 * (exponential in nested spreads). No production hook needed: the count sits on the AST.
 */
export function countingFragmentReads(source: string): { document: DocumentNode; reads(): number } {
  const document = parse(source);
  let reads = 0;
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.FRAGMENT_DEFINITION) continue;
    const selections = definition.selectionSet.selections;
    const counted: SelectionSetNode = Object.defineProperty({ kind: Kind.SELECTION_SET } as SelectionSetNode, 'selections', {
      enumerable: true,
      get() {
        reads++;
        return selections;
      },
    });
    (definition as { selectionSet: SelectionSetNode }).selectionSet = counted;
  }
  return { document, reads: () => reads };
}

/**
 * `levels` fragments, each spreading the previous one twice (`fragment F3 on T { ...F2 ...F2 }`):
 * about 100 bytes per level, 2^levels field occurrences once expanded. `leaf` is the innermost
 * selection, `type` every fragment's type condition; the operation spreads the last fragment under `root`.
 */
export function doublingFragments(levels: number, options: { type: string; leaf: string; root: string }): string {
  const lines = [`fragment F0 on ${options.type} { ${options.leaf} }`];
  for (let level = 1; level <= levels; level++) lines.push(`fragment F${level} on ${options.type} { ...F${level - 1} ...F${level - 1} }`);
  return `${options.root.replace('$SPREAD', `...F${levels}`)}\n${lines.join('\n')}`;
}
