import { z } from 'zod';

/**
 * Operation limits (`limits`) and cache budgets (`caches`): checked on every document before
 * validation and planning, with values no ordinary app reaches.
 */

/** Lexical tokens per document (Apollo Router's parser default); comments do not count. */
export const DEFAULT_MAX_TOKENS = 15_000;
/** Deepest field nesting; the public benchmark's heavy query nests 7 fields deep. */
export const DEFAULT_MAX_DEPTH = 64;
/** Aliases in the operation, fragments expanded (each spread counts its fragment's aliases again). */
export const DEFAULT_MAX_ALIASES = 100;
/** Root fields (aliases counted), fragments expanded. */
export const DEFAULT_MAX_ROOT_FIELDS = 64;
/** Directive uses in the operation, fragments expanded. */
export const DEFAULT_MAX_DIRECTIVES = 200;
/** Field selections in the operation once fragments are expanded (the heavy query has about 70). */
export const DEFAULT_MAX_FIELDS = 5_000;

const positive = () => z.number().int().positive();

export const operationLimitsSchema = z
  .object({
    maxTokens: positive().default(DEFAULT_MAX_TOKENS),
    maxDepth: positive().default(DEFAULT_MAX_DEPTH),
    maxAliases: z.number().int().min(0).default(DEFAULT_MAX_ALIASES),
    maxRootFields: positive().default(DEFAULT_MAX_ROOT_FIELDS),
    maxDirectives: z.number().int().min(0).default(DEFAULT_MAX_DIRECTIVES),
    maxFields: positive().default(DEFAULT_MAX_FIELDS),
  })
  .strict();

const MiB = 1024 * 1024;
/** Parsed and validated documents, counted with their source text (Apollo's own cache is not). */
export const DEFAULT_DOCUMENT_CACHE_BYTES = 32 * MiB;
/** Query plans (ApolloGateway's plan cache). */
export const DEFAULT_QUERY_PLAN_CACHE_BYTES = 32 * MiB;
/** Operations as the authorization filter rewrote them, per caller's rights. */
export const DEFAULT_FILTER_CACHE_BYTES = 16 * MiB;

export const cachesSchema = z
  .object({
    documentBytes: z.number().int().min(0).default(DEFAULT_DOCUMENT_CACHE_BYTES),
    queryPlanBytes: z.number().int().min(0).default(DEFAULT_QUERY_PLAN_CACHE_BYTES),
    authorizationFilterBytes: z.number().int().min(0).default(DEFAULT_FILTER_CACHE_BYTES),
  })
  .strict();

export type OperationLimitsConfig = z.infer<typeof operationLimitsSchema>;
export type CachesConfig = z.infer<typeof cachesSchema>;

/** Scope that lets a caller send arbitrary documents when `persistedDocuments.mode` is `listed-or-scoped`. */
export const DEFAULT_ARBITRARY_DOCUMENTS_SCOPE = 'documents:arbitrary';
/** Bytes of APQ documents kept in process. */
export const DEFAULT_APQ_MEMORY_BYTES = 8 * MiB;
/** How long an APQ registration lives in Redis. */
export const DEFAULT_APQ_TTL_SECONDS = 86_400;

/** Trusted documents (persisted operations): a manifest of the documents clients may run. */
export const persistedDocumentsSchema = z
  .object({
    mode: z.enum(['off', 'allow-listed-only', 'listed-or-scoped']).default('off'),
    /** `file`: the manifest file (hot reloaded); `redis`: what `npm run documents:publish` stored (needs redis.url). */
    source: z.enum(['file', 'redis']).default('file'),
    /** Apollo persisted query manifest or Relay `{ id: document }` map, with `source: file`. */
    manifest: z.string().min(1).optional(),
    watch: z.boolean().default(true),
    arbitraryScope: z.string().min(1).default(DEFAULT_ARBITRARY_DOCUMENTS_SCOPE),
  })
  .strict();

/** Automatic persisted queries (Apollo's APQ protocol). */
export const apqSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** `memory`: per process; `redis`: shared by replicas (needs redis.url). */
    store: z.enum(['memory', 'redis']).default('memory'),
    memoryBytes: z.number().int().min(0).default(DEFAULT_APQ_MEMORY_BYTES),
    ttlSeconds: z.number().int().positive().default(DEFAULT_APQ_TTL_SECONDS),
  })
  .strict();

/** Adds issues for document settings that need a key set elsewhere. */
export function checkDocumentSettings(
  config: { persistedDocuments: z.output<typeof persistedDocumentsSchema>; apq: z.output<typeof apqSchema>; redis: { url?: string } },
  context: z.RefinementCtx,
): void {
  const documents = config.persistedDocuments;
  if (documents.mode !== 'off' && documents.source === 'file' && !documents.manifest) {
    context.addIssue({
      code: 'custom',
      path: ['persistedDocuments', 'manifest'],
      message: `required when persistedDocuments.mode is ${documents.mode} (or use source: redis)`,
    });
  }
  if (documents.mode !== 'off' && documents.source === 'redis' && !config.redis.url) {
    context.addIssue({ code: 'custom', path: ['persistedDocuments', 'source'], message: 'redis needs redis.url (or REDIS_URL)' });
  }
  if (config.apq.enabled && config.apq.store === 'redis' && !config.redis.url) {
    context.addIssue({ code: 'custom', path: ['apq', 'store'], message: 'redis needs redis.url (or REDIS_URL)' });
  }
}
