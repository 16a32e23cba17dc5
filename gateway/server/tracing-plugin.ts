import type { ApolloServerPlugin } from '@apollo/server';
import type { TraceSpan } from '../observability/index.js';
import type { GatewayContext } from '../request-context.js';

function endWith(span: TraceSpan, error: unknown): void {
  if (error) span.fail(String((error as { extensions?: { code?: unknown } }).extensions?.code ?? 'INTERNAL_SERVER_ERROR'));
  span.end();
}

/**
 * The request's phase spans under its server span (see observability/tracing.ts): parse (skipped
 * when the document store already had the document), validate and execute; the operation's name and
 * type go on the server span. Requests without a trace (tracing off) cost one property read.
 */
export function createTracingApolloPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ contextValue }) {
      const trace = contextValue.trace;
      if (!trace) return;
      return {
        async parsingDidStart() {
          const span = trace.startSpan('graphql.parse');
          return async (error) => endWith(span, error);
        },
        async validationDidStart() {
          const span = trace.startSpan('graphql.validate');
          return async (errors) => endWith(span, errors?.[0]);
        },
        async didResolveOperation({ operation, operationName }) {
          trace.server.setAttributes({ 'graphql.operation.type': operation?.operation ?? '', 'graphql.operation.name': operationName ?? '' });
        },
        async executionDidStart() {
          const span = trace.startSpan('graphql.execute');
          return {
            async executionDidEnd(error) {
              endWith(span, error);
            },
          };
        },
      };
    },
  };
}
