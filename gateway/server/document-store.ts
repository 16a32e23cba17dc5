import type { DocumentStore } from '@apollo/server';
import type { DocumentNode } from 'graphql';
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

/**
 * Apollo Server's document cache (parsed and validated documents by query hash) bounded by the bytes
 * the documents really hold, source text included. Apollo's default sizes entries without the
 * source, so unique documents with large comments grew the heap without bound.
 */
export function createDocumentStore(maxBytes: number): DocumentStore {
  const cache = new LRUCache<string, DocumentNode>({ maxSize: Math.max(1, maxBytes), sizeCalculation: (document) => Math.max(1, documentBytes(document)) });
  return {
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
