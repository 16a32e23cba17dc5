import type { GraphQLError, GraphQLFormattedError } from 'graphql';

/**
 * Incremental delivery (`@defer`, deferSpec=20220824) between the executor and the HTTP layer. Apollo
 * Server's gateway seam returns one result, so the later payloads travel beside it, in a holder the
 * HTTP layer puts on the request context when the client accepts `multipart/mixed`.
 */

/** One deferred fragment's data at one object of the response. */
export interface IncrementalItem {
  data: Record<string, unknown> | null;
  path: Array<string | number>;
  label?: string;
  /** The executor's errors; the HTTP layer formats them (and patches may add formatted ones). */
  errors?: Array<GraphQLError | GraphQLFormattedError>;
}

export interface SubsequentPayload {
  hasNext: boolean;
  incremental: IncrementalItem[];
}

export interface IncrementalDelivery {
  /** Set by the executor when it deferred part of the answer: the payloads after the first. */
  subsequent?: AsyncIterable<SubsequentPayload>;
  /** Applied to every item before it is written, after its errors are formatted (authorization nulls). */
  readonly patches: Array<(item: IncrementalItem & { errors: GraphQLFormattedError[] }) => void>;
}
