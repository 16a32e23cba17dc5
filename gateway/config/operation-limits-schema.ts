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
