import { createHash } from 'node:crypto';
import type { DocumentStore } from '@apollo/server';
import { GraphQLError, printSchema, specifiedRules, validate, type DocumentNode, type GraphQLSchema, type ValidationRule } from 'graphql';
import { LRUCache } from 'lru-cache';

/**
 * Heap bytes a parsed document holds, estimated: its source text (the AST keeps it through `loc`)
 * plus about 200 bytes per token for the nodes and token records (measured on this machine: 70–110
 * bytes of heap per source character of dense GraphQL, 1 per character of comments).
 */
export function documentBytes(document: DocumentNode): number {
  const loc = document.loc;
  if (!loc) return 4096;
  let tokens = 0;
  for (let token: typeof loc.startToken | null = loc.startToken; token; token = token.next) tokens++;
  return loc.source.body.length + 200 * tokens;
}

/** Apollo Server's document cache, which the HTTP layer can fill with documents it parsed and validated. */
export interface GatewayDocumentStore extends DocumentStore {
  /** Told the API schema Apollo serves (on every load): validation runs against it, keys carry its hash. */
  useSchema(schema: GraphQLSchema): void;
  /**
   * Validates `document` (parsed by the limits check) as Apollo Server would and, when valid, caches
   * it under Apollo's key, so Apollo neither parses nor validates it again. An invalid document is
   * left for Apollo to refuse with its own errors.
   */
  prevalidate(query: string, document: DocumentNode): void;
}

/** Apollo Server's rule when introspection is off: `__schema` and `__type` are refused. */
const NoIntrospection: ValidationRule = (context) => ({
  Field(node) {
    if (node.name.value === '__schema' || node.name.value === '__type')
      context.reportError(new GraphQLError('GraphQL introspection is not allowed.', { nodes: [node] }));
  },
});

/**
 * Apollo Server's document cache (parsed and validated documents by query hash) bounded by the bytes
 * the documents really hold, source text included. Apollo's default sizes entries without the
 * source, so unique documents with large comments grew the heap without bound. With a document
 * store of our own Apollo keys entries `<sha256 of the printed schema>:<sha256 of the query>`.
 */
export function createDocumentStore(
  maxBytes: number,
  options: { introspection: boolean; validationRules: readonly ValidationRule[] },
): GatewayDocumentStore {
  const cache = new LRUCache<string, DocumentNode>({
    maxSize: Math.max(1, maxBytes),
    sizeCalculation: (document) => Math.max(1, documentBytes(document)),
  });
  const rules = [...specifiedRules, ...(options.introspection ? [] : [NoIntrospection]), ...options.validationRules];
  let schema: GraphQLSchema | undefined;
  let prefix = '';
  return {
    useSchema(next) {
      schema = next;
      prefix = `${createHash('sha256').update(printSchema(next)).digest('hex')}:`;
    },
    prevalidate(query, document) {
      if (!schema || documentBytes(document) > maxBytes) return;
      if (validate(schema, document, rules).length > 0) return;
      cache.set(prefix + createHash('sha256').update(query).digest('hex'), document);
    },
    async get(key) {
      return cache.get(key);
    },
    async set(key, value) {
      // A document larger than the whole budget is not cached (lru-cache would refuse it anyway).
      if (documentBytes(value) <= maxBytes) cache.set(key, value);
    },
    async delete(key) {
      return cache.delete(key);
    },
  };
}
