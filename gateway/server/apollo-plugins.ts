import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from '../request-context.js';

/** Records the operation name on the context, for the one request log line. */
export function createOperationNamePlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, operationName }) {
          contextValue.requestLog.operationName = operationName;
        },
      };
    },
  };
}
