import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, type DocumentNode } from 'graphql';
import { createClientError, GatewayErrorCode } from '../errors.js';
import type { GatewayContext } from '../request-context.js';

/** Operation names longer than this are cut in log lines (a client chooses them). */
export const MAX_LOGGED_OPERATION_NAME = 128;

/** Request errors that GraphQL-over-HTTP says SHOULD answer 200 to a client accepting application/json. */
const WELL_FORMED_REQUEST_ERRORS = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT']);

function operationCount(document: DocumentNode): number {
  let count = 0;
  for (const definition of document.definitions) if (definition.kind === Kind.OPERATION_DEFINITION) count++;
  return count;
}

/**
 * The request pipeline's own checks inside Apollo Server:
 * - an operation that cannot be selected (unknown `operationName`, several operations and none
 *   named) or a subscription over plain HTTP is refused with 400 and a code in `didResolveOperation`
 *   (the engine would throw and Apollo would answer 500);
 * - the operation name goes on the request log line (cut to 128 characters);
 * - a response made only of request errors is marked, so the HTTP layer can answer 200 to legacy
 *   `application/json` clients as GraphQL-over-HTTP says, without re-reading the body.
 */
export function createRequestPipelineApolloPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, operation, operationName, document, request, schema }) {
          contextValue.requestLog.operationName = operationName?.slice(0, MAX_LOGGED_OPERATION_NAME);
          if (!operation) {
            const named = request.operationName;
            throw createClientError(
              'OPERATION_RESOLUTION_FAILURE',
              named
                ? `Unknown operation named "${named.slice(0, MAX_LOGGED_OPERATION_NAME)}".`
                : operationCount(document) > 1
                  ? 'Must provide operation name if query contains multiple operations.'
                  : 'The document contains no operation to run.',
            );
          }
          if (operation.operation === 'subscription' && !contextValue.subscription) {
            throw schema.getSubscriptionType()
              ? createClientError(GatewayErrorCode.UNSUPPORTED_OPERATION, 'Subscriptions are not served over plain HTTP requests.')
              : createClientError('GRAPHQL_VALIDATION_FAILED', 'The schema has no subscription type.');
          }
        },
        async willSendResponse({ contextValue, response }) {
          if (response.body.kind !== 'single') return;
          const errors = response.body.singleResult.errors;
          contextValue.requestLog.requestErrorsOnly =
            response.body.singleResult.data === undefined &&
            !!errors?.length &&
            errors.every((e) => WELL_FORMED_REQUEST_ERRORS.has(String(e.extensions?.code ?? '')));
        },
      };
    },
  };
}
