import type { GraphQLError } from 'graphql';
import { createClientError } from '../../errors.js';

/** Why an operation went to Apollo's executor (the metric's label; README lists them). */
export type FallbackReason = 'introspection' | 'subscription' | 'unplannable' | 'unsupported';

/**
 * The answer to an operation only Apollo's executor would run (introspection beside data, a
 * selection ours does not compile: `detail`) whose plan reads `@context` values, which Apollo's
 * executor would silently leave out: refused rather than answered wrong.
 */
export function contextFallbackRefusal(reason: FallbackReason, detail: string): GraphQLError {
  const what = reason === 'introspection' ? 'introspection (__schema or __type)' : `${detail}, which Switchyard's executor does not run,`;
  return createClientError(
    'UNSUPPORTED_OPERATION',
    `This operation asks for ${what} beside fields whose arguments come from @context; send those as separate operations.`,
  );
}
