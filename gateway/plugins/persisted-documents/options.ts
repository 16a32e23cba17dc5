import type { Logger } from 'pino';
import type { ApqStore } from './apq-store.js';
import type { ManifestSource } from './manifest-source.js';

/**
 * `off`: any document (APQ as configured); `allow-listed-only`: only documents of the manifest, by id
 * or by full text; `listed-or-scoped`: those, or any document for callers holding `arbitraryScope`.
 */
export type PersistedDocumentsMode = 'off' | 'allow-listed-only' | 'listed-or-scoped';

export interface PersistedDocumentsOptions {
  mode: PersistedDocumentsMode;
  /** Undefined when `mode` is off. */
  manifest?: ManifestSource;
  /** Scope that lets a caller send arbitrary documents in `listed-or-scoped` mode. */
  arbitraryScope: string;
  /** Automatic persisted queries; undefined turns them off. */
  apq?: ApqStore;
  logger: Logger;
}

/** Redis hash of the trusted documents (`npm run documents:publish` writes it) and its channel. */
export const PERSISTED_DOCUMENTS_KEY = 'switchyard:persisted-documents';
export const PERSISTED_DOCUMENTS_CHANNEL = 'switchyard:persisted-documents:published';
/** Prefix of APQ documents in Redis (`apq.store: redis`). */
export const APQ_KEY_PREFIX = 'switchyard:apq:';
