// Gateway H of `npm run bench`: Hive Gateway with its default configuration, beside B's
// switchyard-bench.yaml. One change, for a fair comparison: the caller's `authorization` header goes
// to every subgraph, as Switchyard forwards each caller's identity, so on the unique-identity workload
// neither gateway can share a subgraph fetch between two callers.
import { defineConfig } from '@graphql-hive/gateway';

export const gatewayConfig = defineConfig({
  propagateHeaders: {
    fromClientToSubgraphs({ request }) {
      const authorization = request.headers.get('authorization');
      return authorization ? { authorization } : {};
    },
  },
});
