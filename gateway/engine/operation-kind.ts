import { Kind, type DocumentNode } from 'graphql';
import type { OperationKind } from '../subgraph-client/index.js';

/**
 * The operation type of a subgraph fetch, from the query plan's document when present, else from the
 * query text. Anything unrecognised counts as a mutation: never retried, never shared.
 */
export function operationKindOf(document: DocumentNode | undefined, query: string | undefined): OperationKind {
  if (document) {
    for (const definition of document.definitions) {
      if (definition.kind === Kind.OPERATION_DEFINITION) return definition.operation as OperationKind;
    }
  }
  const text = query ?? '';
  const keyword = /^\s*(query|mutation|subscription)\b/.exec(text)?.[1] as OperationKind | undefined;
  if (keyword) return keyword;
  // The shorthand `{ … }` form is always a query (GraphQL spec §2.3).
  return /^\s*\{/.test(text) ? 'query' : 'mutation';
}
