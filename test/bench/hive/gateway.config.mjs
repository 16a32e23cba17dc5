// Gateway H of `npm run bench`: Hive Gateway with its default configuration, beside B's
// switchyard-bench.yaml. Two changes, for a fair comparison:
// - the caller's `authorization` goes to every subgraph, as Switchyard forwards each caller's
//   identity, so on the unique-identity workload neither gateway can share a subgraph fetch between
//   two callers. Over WebSocket it comes from connection_init (Hive merges those params into
//   `context.headers`; the upgrade request has none).
// - the reviews subgraph's subscriptions go over graphql-ws, as Switchyard subscribes to subgraphs
//   (Hive's default is GraphQL over SSE, which the example subgraphs serve too; one protocol for both
//   keeps the subscription workload like for like).
import { defineConfig } from '@graphql-hive/gateway';

export const gatewayConfig = defineConfig({
  propagateHeaders: {
    fromClientToSubgraphs({ request, context }) {
      const authorization = context?.headers?.authorization ?? request?.headers.get('authorization');
      return authorization ? { authorization } : {};
    },
  },
  transportEntries: {
    reviews: { options: { subscriptions: { kind: 'ws', location: '/graphql' } } },
  },
});
