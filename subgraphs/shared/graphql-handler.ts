import type { IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import type { DocumentNode, GraphQLError, GraphQLSchema } from 'graphql';
import type * as GraphQLHttp from 'graphql-http';
import { LRUCache } from 'lru-cache';
import { graphqlRuntime } from './graphql-runtime.js';

const { GraphQLError: RuntimeGraphQLError, parse, validate } = graphqlRuntime;
// graphql-http's CommonJS build, so that it checks errors and executes with the same graphql-js build as
// the schema (see graphql-runtime.ts for the trap a second build sets).
const { createHandler } = createRequire(import.meta.url)('graphql-http') as typeof GraphQLHttp;

/** Distinct documents remembered (the gateway sends a small, repeating set). */
const DOCUMENT_CACHE_LIMIT = 1000;

export type GraphQLHandler = ReturnType<typeof createHandler<IncomingMessage, undefined, never>>;

/**
 * GraphQL over HTTP by graphql-http's handler (params from GET or a JSON POST, media types and their
 * statuses, no mutations over GET), with each distinct document parsed and validated once: the gateway
 * repeats a small set of query strings, which keeps the subgraphs cheap enough for the gateway to be
 * the bottleneck in the benchmark.
 */
export function createGraphQLHandler(schema: GraphQLSchema, createContext: (req: IncomingMessage) => unknown): GraphQLHandler {
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

  return createHandler<IncomingMessage, undefined, never>({
    schema,
    onSubscribe(req, params) {
      const prepared = prepare(params.query);
      if (Array.isArray(prepared)) return prepared as readonly GraphQLError[];
      return {
        schema,
        document: prepared as DocumentNode,
        operationName: params.operationName,
        variableValues: params.variables,
        contextValue: createContext(req.raw) as never,
      };
    },
  });
}
