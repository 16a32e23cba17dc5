import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import type { Logger } from 'pino';

const GENERIC_MESSAGE = 'Internal server error.';
const TOO_DEEP_TO_PARSE = 'Syntax Error: the document is nested too deeply to parse.';

function isStackOverflow(error: unknown): boolean {
  for (let e = error as { originalError?: unknown } | undefined, i = 0; e && i < 5; e = e.originalError as typeof e, i++) {
    if (e instanceof RangeError) return true;
  }
  return false;
}

/**
 * Errors without a deliberate code are masked: their message may carry library internals or
 * addresses. The original goes to the log.
 */
export function createFormatError(logger: Logger): (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError {
  return (formatted, error) => {
    const code = formatted.extensions?.code;
    // graphql-js's recursive parser overflows the stack on documents nested a few thousand levels
    // deep (server.maxDepth only applies after parsing); say so instead of echoing the RangeError.
    if (code === 'GRAPHQL_PARSE_FAILED' && isStackOverflow(error)) return { ...formatted, message: TOO_DEEP_TO_PARSE };
    if (code !== 'INTERNAL_SERVER_ERROR' && code !== undefined) return formatted;
    // Apollo Server's own request errors (e.g. an APQ hash that does not match the query) carry a
    // 4xx status but no code: they are the client's to fix, and their messages are written for it.
    const status = (error as { extensions?: { http?: { status?: unknown } } } | null)?.extensions?.http?.status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return { ...formatted, extensions: { ...formatted.extensions, code: 'BAD_REQUEST' } };
    }
    logger.error({ err: unwrapResolverError(error) }, 'internal error masked in response');
    return {
      message: GENERIC_MESSAGE,
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}
