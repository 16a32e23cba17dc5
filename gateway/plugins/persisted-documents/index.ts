export { createPersistedDocumentsPlugin } from './plugin.js';
export { createMemoryApqStore, createRedisApqStore, type ApqStore } from './apq-store.js';
export { createFileManifestSource, createRedisManifestSource, type ManifestSource } from './manifest-source.js';
export { EMPTY_MANIFEST, normaliseDocument, parseManifest, type PersistedManifest } from './manifest.js';
export {
  APQ_KEY_PREFIX,
  PERSISTED_DOCUMENTS_CHANNEL,
  PERSISTED_DOCUMENTS_KEY,
  type PersistedDocumentsMode,
  type PersistedDocumentsOptions,
} from './options.js';
export { publishManifestToRedis } from './publish.js';
