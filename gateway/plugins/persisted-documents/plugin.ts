import { createHash } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import { createClientError, GatewayErrorCode } from '../../errors.js';
import type { GatewayPlugin, GraphQLRequestDocument } from '../plugin.js';
import type { GatewayContext } from '../../request-context.js';
import { normaliseDocument } from './manifest.js';
import type { PersistedDocumentsOptions } from './options.js';

declare module '../../request-context.js' {
  interface GatewayContext {
    /** An APQ registration to store once the document validated (set by the persisted-documents plugin). */
    apqRegistration?: { hash: string; query: string };
  }
}

/** Apollo's own answer to an unknown hash: 200 and no caching, so APQ clients re-send the document. */
const notFound = () =>
  createClientError('PERSISTED_QUERY_NOT_FOUND', 'PersistedQueryNotFound', {
    headers: { 'cache-control': 'private, no-cache, must-revalidate' },
  });

const notInList = () =>
  createClientError(
    GatewayErrorCode.PERSISTED_QUERY_NOT_IN_LIST,
    'This gateway serves trusted documents only; send the id of a document from its manifest.',
  );

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Trusted documents (persisted operations, as Apollo Router's safelist and Hive's persisted documents)
 * and automatic persisted queries, resolved in the HTTP layer before any limit or parse: a request
 * names a document by `documentId` or `extensions.persistedQuery.sha256Hash`, or sends its text.
 */
export function createPersistedDocumentsPlugin(options: PersistedDocumentsOptions): GatewayPlugin {
  const { mode, manifest, apq } = options;
  const mayBeArbitrary = (context: GatewayContext) =>
    mode === 'off' || (mode === 'listed-or-scoped' && (context.identity?.scopes.includes(options.arbitraryScope) ?? false));

  async function prepare(request: GraphQLRequestDocument, context: GatewayContext): Promise<void> {
    const id = request.documentId ?? request.apqHash;
    if (manifest && id !== undefined) {
      const listed = manifest.current().byId.get(id);
      if (listed !== undefined) {
        request.query = listed;
        return;
      }
    }
    if (!mayBeArbitrary(context)) {
      if (request.query !== undefined && manifest?.current().byNormalisedBody.has(normaliseDocument(request.query))) return;
      throw request.query === undefined ? notFound() : notInList();
    }
    if (request.documentId !== undefined && request.query === undefined) throw notFound();
    if (request.apqHash === undefined) return;
    if (!apq) throw createClientError('BAD_REQUEST', 'Automatic persisted queries are turned off on this gateway.');
    if (request.query === undefined) {
      const stored = await apq.get(request.apqHash);
      if (stored === undefined) throw notFound();
      request.query = stored;
      return;
    }
    if (sha256(request.query) !== request.apqHash) throw createClientError('BAD_REQUEST', 'provided sha does not match query');
    context.apqRegistration = { hash: request.apqHash, query: request.query };
  }

  // Registers a new APQ document once it parsed and validated (never a broken one).
  const registration: ApolloServerPlugin<GatewayContext> = {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue }) {
          const pending = contextValue.apqRegistration;
          if (pending && apq) await apq.set(pending.hash, pending.query);
        },
      };
    },
  };

  return {
    name: 'persisted-documents',
    // `listed-or-scoped` reads the caller's scopes.
    after: ['auth'],
    prepareRequest: prepare,
    apolloPlugins: apq ? [registration] : [],
    async start() {
      await manifest?.start();
    },
    async stop() {
      await manifest?.stop();
    },
  };
}
