import type { GraphQLError } from 'graphql';
import { createClientError } from '../../errors.js';

/** Why an operation went to Apollo's executor (the metric's label; README lists them). */
export type FallbackReason = 'subscription' | 'unplannable' | 'unsupported';

/**
 * The answer to an operation only Apollo's executor would run (a selection ours does not compile:
 * `detail`) whose plan reads `@context` values, which Apollo's executor would silently leave out:
 * refused rather than answered wrong.
 */
export function contextFallbackRefusal(detail: string): GraphQLError {
  return createClientError(
    'UNSUPPORTED_OPERATION',
    `This operation has ${detail}, which Switchyard's executor does not run, beside fields whose arguments come from @context; send those as separate operations.`,
  );
}
