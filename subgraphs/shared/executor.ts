import type { DocumentNode, ExecutionResult, GraphQLError, GraphQLSchema } from 'graphql';
import { LRUCache } from 'lru-cache';
import { graphqlRuntime } from './graphql-runtime.js';

const { GraphQLError: RuntimeGraphQLError, execute, getOperationAST, parse, validate } = graphqlRuntime;

/** GraphQL-over-HTTP request parameters (https://graphql.github.io/graphql-over-http/draft/#sec-Request-Parameters). */
export interface GraphQLParams {
  query: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
}

export type ExecutorOutcome =
  | { kind: 'result'; result: ExecutionResult }
  | { kind: 'invalid'; errors: readonly GraphQLError[] }
  | { kind: 'method-not-allowed' };

/** Distinct documents remembered (the gateway sends a small, repeating set). */
const DOCUMENT_CACHE_LIMIT = 1000;

/**
 * Parses and validates each distinct query once, then only executes. The gateway sends a small set of
 * repeated query strings, so this keeps the subgraphs cheap enough that the gateway is the bottleneck.
 */
export function createExecutor(schema: GraphQLSchema) {
  const documents = new LRUCache<string, { prepared: DocumentNode | readonly GraphQLError[] }>({ max: DOCUMENT_CACHE_LIMIT });

  function prepare(query: string): DocumentNode | readonly GraphQLError[] {
    const cached = documents.get(query);
    if (cached !== undefined) return cached.prepared;
    let prepared: DocumentNode | readonly GraphQLError[];
    try {
      const document = parse(query);
      const errors = validate(schema, document);
      prepared = errors.length > 0 ? errors : document;
    } catch (error) {
      prepared = [error instanceof RuntimeGraphQLError ? error : new RuntimeGraphQLError(String(error))];
    }
    documents.set(query, { prepared });
    return prepared;
  }

  return async function run(
    params: GraphQLParams,
    contextValue: unknown,
    options: { allowMutations: boolean },
  ): Promise<ExecutorOutcome> {
    const prepared = prepare(params.query);
    if (Array.isArray(prepared)) return { kind: 'invalid', errors: prepared };
    const document = prepared as DocumentNode;
    if (!options.allowMutations) {
      const operation = getOperationAST(document, params.operationName ?? undefined);
      if (operation != null && operation.operation !== 'query') return { kind: 'method-not-allowed' };
    }
    const result = await execute({
      schema,
      document,
      variableValues: params.variables ?? undefined,
      operationName: params.operationName ?? undefined,
      contextValue,
    });
    return { kind: 'result', result };
  };
}
