import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { GatewayErrorCode } from '../errors.js';

type GraphQLFormattedErrorLike = NonNullable<GatewayGraphQLResponse['errors']>[number];

/** The subgraph's answer is not a GraphQL response of the shape the fetch asked for. */
export class InvalidSubgraphResponse extends Error {
  override readonly name = 'InvalidSubgraphResponse';
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Parses a subgraph's answer and checks its shape (GraphQL over HTTP, Federation's `_entities`):
 * `data` an object or null, `errors` a list of objects, and for an entity fetch each entity list
 * (`entityLists`: response key → representations sent; `_entities`, or one alias per group of a
 * fetch split by @context values) a list with one entry per representation (or null with errors).
 * Anything else throws InvalidSubgraphResponse, which fails the fetch at its paths with SUBGRAPH_ERROR.
 */
export function readSubgraphAnswer(text: string, entityLists: Readonly<Record<string, number>> | undefined): GatewayGraphQLResponse {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new InvalidSubgraphResponse('not JSON');
  }
  if (!isObject(parsed) || (!('data' in parsed) && !('errors' in parsed))) throw new InvalidSubgraphResponse('not a GraphQL response');
  const { data, errors } = parsed;
  if (data !== undefined && data !== null && !isObject(data)) throw new InvalidSubgraphResponse('data is not an object');
  if (errors !== undefined && (!Array.isArray(errors) || !errors.every(isObject)))
    throw new InvalidSubgraphResponse('errors is not a list of objects');
  if (entityLists !== undefined && isObject(data)) {
    for (const key in entityLists) {
      const entities = data[key];
      const failedWithErrors = entities === null && Array.isArray(errors) && errors.length > 0;
      if (!failedWithErrors && (!Array.isArray(entities) || entities.length !== entityLists[key])) {
        throw new InvalidSubgraphResponse(`${key} is not a list of ${entityLists[key]}`);
      }
    }
  }
  return parsed as GatewayGraphQLResponse;
}

/** Longest error message relayed; longer ones are cut. */
export const MAX_ERROR_MESSAGE_LENGTH = 2_000;
/** An allowed extension value is relayed only if its JSON is at most this long… */
export const MAX_EXTENSION_VALUE_BYTES = 1_024;
/** …and it nests at most this deep. */
export const MAX_EXTENSION_VALUE_DEPTH = 4;
const MAX_PATH_LENGTH = 256;
/** Keys a subgraph may never pass on, allowlisted or not. */
const PRIVATE_EXTENSIONS = new Set(['stacktrace', 'exception', 'response', 'http']);

/** True when `value` nests no deeper than `max` (iterative: a hostile 100,000-deep value cannot overflow the stack). */
function nestsAtMost(value: unknown, max: number): boolean {
  const pending: Array<[unknown, number]> = [[value, 0]];
  while (pending.length > 0) {
    const [next, depth] = pending.pop()!;
    if (next === null || typeof next !== 'object') continue;
    if (depth >= max) return false;
    for (const child of Array.isArray(next) ? next : Object.values(next)) pending.push([child, depth + 1]);
  }
  return true;
}

function boundedValue(value: unknown): unknown {
  if (!nestsAtMost(value, MAX_EXTENSION_VALUE_DEPTH)) return undefined;
  const json = JSON.stringify(value);
  return json !== undefined && json.length <= MAX_EXTENSION_VALUE_BYTES ? value : undefined;
}

function validPath(path: unknown): Array<string | number> | undefined {
  if (!Array.isArray(path) || path.length > MAX_PATH_LENGTH) return undefined;
  return path.every((key) => typeof key === 'string' || Number.isInteger(key)) ? (path as Array<string | number>) : undefined;
}

export interface ErrorPolicy {
  subgraph: string;
  /** Replace messages by `Subgraph "x" returned an error.`. */
  maskErrors: boolean;
  /** Errors relayed; one more error sums up the rest. */
  maxErrors: number;
  /** Extension keys passed on besides `code`. */
  errorExtensions: readonly string[];
}

/**
 * One subgraph error as clients may see it: a string message (masked when configured, cut when
 * long), a valid path, `code` (uncoded or INTERNAL_SERVER_ERROR → SUBGRAPH_ERROR), only allowlisted
 * extensions within size and depth bounds, and the subgraph's name. Locations are dropped: they
 * point into the subgraph's document, not the client's.
 */
export function sanitizeError(error: Record<string, unknown>, policy: ErrorPolicy): GraphQLFormattedErrorLike {
  const source = isObject(error.extensions) ? error.extensions : {};
  const extensions: Record<string, unknown> = {};
  for (const key of policy.errorExtensions) {
    if (PRIVATE_EXTENSIONS.has(key) || !(key in source)) continue;
    const value = boundedValue(source[key]);
    if (value !== undefined) extensions[key] = value;
  }
  const code = source.code;
  extensions.code = typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR' && code.length <= 100 ? code : GatewayErrorCode.SUBGRAPH_ERROR;
  extensions.subgraph = policy.subgraph;
  const raw = typeof error.message === 'string' ? error.message : `Subgraph "${policy.subgraph}" returned an error.`;
  const message = policy.maskErrors
    ? `Subgraph "${policy.subgraph}" returned an error.`
    : raw.length > MAX_ERROR_MESSAGE_LENGTH
      ? `${raw.slice(0, MAX_ERROR_MESSAGE_LENGTH)}…`
      : raw;
  const path = validPath(error.path);
  return path ? { message, path, extensions } : { message, extensions };
}

/** The summary error standing for the errors past `maxErrors`. */
export function moreErrorsError(count: number, subgraph: string): GraphQLFormattedErrorLike {
  return {
    message: `Subgraph "${subgraph}" returned ${count} more errors.`,
    extensions: { code: GatewayErrorCode.SUBGRAPH_ERROR, subgraph },
  };
}
