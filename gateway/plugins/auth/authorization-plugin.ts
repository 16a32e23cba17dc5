import { createHash } from 'node:crypto';
import { HeaderMap, type ApolloServerPlugin, type GraphQLRequestContextDidResolveOperation } from '@apollo/server';
import type { DocumentNode, GraphQLSchema, OperationDefinitionNode } from 'graphql';
import { Kind, print } from 'graphql';
import { LRUCache } from 'lru-cache';
import type { CallerIdentity, GatewayContext } from '../../request-context.js';
import type { SupergraphModel } from '../../supergraph/index.js';
import { NO_RULES, readAuthorizationRules, type AuthorizationRules, type Caller } from './authorization-rules.js';
import { filterOperation, type FilteredOperation } from './operation-filter.js';
import { patchIncrementalItem, patchResponse } from './response-patch.js';

/** Bytes of filtered operations remembered per (query, operation name, caller's rights). */
export const DEFAULT_FILTER_CACHE_BYTES = 16 * 1024 * 1024;

/** Heap of a rewritten operation's AST, from its printed length (about 100 heap bytes per character, measured). */
const HEAP_BYTES_PER_PRINTED_CHARACTER = 100;

/** What the filter decided for one (operation, caller's rights); an unchanged operation keeps no document. */
interface CachedFilter {
  changed: boolean;
  empty: boolean;
  removed: FilteredOperation['removed'];
  /** The rewritten operation and its plan-cache key, when `changed`. */
  rewritten?: { document: DocumentNode; operation: OperationDefinitionNode; queryHash: string };
  /** Heap the entry holds (the LRU's byte budget). */
  bytes: number;
}

/**
 * The plan-cache key of a filtered document: the hash of the document itself. Removed paths are not
 * enough: callers with different rights can lose different fields at the same path (say `x` from
 * `... on Book { x: isbn }` for one, from `... on Movie { x: code }` for another) and must not share
 * a plan. Computed once per filter-cache miss.
 */
export function filteredQueryHash(document: DocumentNode): string {
  return hashPrinted(print(document));
}

const hashPrinted = (printed: string): string => createHash('sha256').update(printed).digest('hex');

type Writable<T> = { -readonly [K in keyof T]: T[K] };

const ANONYMOUS_CALLER: Caller = { authenticated: false, scopes: new Set() };
const callers = new WeakMap<CallerIdentity, { caller: Caller; key: string }>();

/** The rules only see "authenticated?" and the scopes; the key says exactly that, so equal rights share entries. */
function callerOf(identity: CallerIdentity | undefined): { caller: Caller; key: string } {
  if (!identity || identity.kind === 'anonymous') return { caller: ANONYMOUS_CALLER, key: '-' };
  let known = callers.get(identity);
  if (!known) {
    known = { caller: { authenticated: true, scopes: new Set(identity.scopes) }, key: `+${[...new Set(identity.scopes)].sort().join(' ')}` };
    callers.set(identity, known);
  }
  return known;
}

/**
 * Enforces the supergraph's `@authenticated` / `@requiresScopes` / `@policy` as Apollo Router does:
 * in `didResolveOperation` the fields the caller may not see are removed from the document the
 * engine plans (and `queryHash` is re-keyed, so callers with different rights never share a plan);
 * `willSendResponse` puts `null` and one UNAUTHORIZED_FIELD_OR_TYPE error at each removed path.
 * Rules are re-read from the supergraph on every (re)load.
 */
export function createAuthorizationApolloPlugin(
  options: { cacheBytes?: number } = {},
): ApolloServerPlugin<GatewayContext> & { onSupergraph(supergraph: SupergraphModel): void } {
  // Read from each supergraph the engine is about to get, picked up when Apollo reports it loaded.
  const pending = new Map<string, AuthorizationRules>();
  const rulesBySchema = new WeakMap<GraphQLSchema, AuthorizationRules>();
  let latest: AuthorizationRules = NO_RULES;
  const maxBytes = Math.max(1, options.cacheBytes ?? DEFAULT_FILTER_CACHE_BYTES);
  const cache = new LRUCache<string, CachedFilter>({ maxSize: maxBytes, sizeCalculation: (entry) => entry.bytes });

  function filter(context: GraphQLRequestContextDidResolveOperation<GatewayContext>, rules: AuthorizationRules): CachedFilter {
    const { caller, key: rights } = callerOf(context.contextValue.identity);
    const key = `${context.queryHash}\n${context.operationName ?? ''}\n${rights}`;
    let cached = cache.get(key);
    if (!cached) {
      const result = filterOperation(context.schema, rules, context.document, context.operation!, caller);
      cached = { changed: result.changed, empty: result.empty, removed: result.removed, bytes: 512 + key.length };
      if (result.changed && !result.empty) {
        const printed = print(result.document);
        const operation = result.document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
        cached.rewritten = { document: result.document, operation, queryHash: hashPrinted(printed) };
        // Unchanged subtrees are shared with the original, whose `loc` keeps its whole source text alive.
        cached.bytes += HEAP_BYTES_PER_PRINTED_CHARACTER * printed.length + (context.document.loc?.source.body.length ?? 0);
      }
      if (cached.bytes <= maxBytes) cache.set(key, cached);
    }
    return cached;
  }

  return {
    onSupergraph(supergraph) {
      pending.set(supergraph.sdl, readAuthorizationRules(supergraph));
      if (pending.size > 4) pending.delete(pending.keys().next().value!);
    },
    async serverWillStart() {
      return {
        schemaDidLoadOrUpdate({ apiSchema, coreSupergraphSdl }) {
          latest = (coreSupergraphSdl !== undefined && pending.get(coreSupergraphSdl)) || NO_RULES;
          if (coreSupergraphSdl !== undefined) pending.delete(coreSupergraphSdl);
          rulesBySchema.set(apiSchema, latest);
          cache.clear();
        },
      };
    },
    async requestDidStart() {
      if (latest.isEmpty) return;
      let applied: CachedFilter | undefined;
      return {
        async didResolveOperation(context) {
          const rules = rulesBySchema.get(context.schema) ?? latest;
          if (rules.isEmpty || !context.operation) return;
          applied = filter(context, rules);
          if (!applied.rewritten) return;
          const writable = context as Writable<typeof context>;
          writable.document = applied.rewritten.document;
          writable.operation = applied.rewritten.operation;
          writable.queryHash = applied.rewritten.queryHash;
        },
        async responseForOperation() {
          if (!applied?.empty) return null;
          return {
            http: { status: undefined, headers: new HeaderMap() },
            body: { kind: 'single', singleResult: { errors: patchResponse(undefined, applied.removed) } },
          };
        },
        async willSendResponse({ response, contextValue }) {
          if (!applied || applied.empty || !applied.changed) return;
          // `@defer` payloads are written after this hook: the HTTP layer patches each of them too.
          const { removed } = applied;
          contextValue.incremental?.patches.push((item) => patchIncrementalItem(item, removed));
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          const errors = patchResponse(result.data as Record<string, unknown> | null | undefined, applied.removed);
          // None when the removed fields were not in this response (not reached, or deferred to a later payload).
          if (errors.length) response.body.singleResult = { ...result, errors: [...(result.errors ?? []), ...errors] };
        },
      };
    },
  };
}
