import { createAccountsSubgraph } from './accounts/index.js';
import { createInventorySubgraph } from './inventory/index.js';
import { createProductsSubgraph } from './products/index.js';
import { createReviewsSubgraph } from './reviews/index.js';
import type { RunningSubgraph, SubgraphFaults, SubgraphServer } from './shared/index.js';

export type SubgraphName = 'accounts' | 'products' | 'inventory' | 'reviews';

export interface SubgraphDefinition {
  create(options?: { faults?: SubgraphFaults }): SubgraphServer;
  defaultPort: number;
}

/** Every subgraph, in start order, with its factory and default port. */
export const SUBGRAPHS: Readonly<Record<SubgraphName, SubgraphDefinition>> = Object.freeze({
  accounts: { create: createAccountsSubgraph, defaultPort: 4001 },
  products: { create: createProductsSubgraph, defaultPort: 4002 },
  inventory: { create: createInventorySubgraph, defaultPort: 4003 },
  reviews: { create: createReviewsSubgraph, defaultPort: 4004 },
});

export const SUBGRAPH_NAMES = Object.keys(SUBGRAPHS) as SubgraphName[];

export interface StartAllSubgraphsOptions {
  /** Default `127.0.0.1`. */
  host?: string;
  /** Per-subgraph port; wins over `basePort`. Use 0 for ephemeral ports. */
  ports?: Partial<Record<SubgraphName, number>>;
  /** Ports become basePort, +1, +2, +3 in SUBGRAPHS order. Default: each subgraph's `defaultPort`. */
  basePort?: number;
  /** The gateway's request-signing secret (see ListenOptions.signingSecret). */
  signingSecret?: string;
  /** Test-only faults per subgraph. */
  faults?: Partial<Record<SubgraphName, SubgraphFaults>>;
  /** See ListenOptions.requestLogLimit. Default 0 (off). */
  requestLogLimit?: number;
  /** See ListenOptions.memoizeResponses (benchmarks only). Default 0 (off). */
  memoizeResponses?: number;
}

export interface RunningSubgraphs {
  byName: Record<SubgraphName, RunningSubgraph>;
  urls: Record<SubgraphName, string>;
  /** Closes all four (keep-alive connections included). */
  close(): Promise<void>;
}

/** Starts all four subgraphs; if one fails to bind, the ones already started are closed before rethrowing. */
export async function startAllSubgraphs(options: StartAllSubgraphsOptions = {}): Promise<RunningSubgraphs> {
  const { host = '127.0.0.1', ports = {}, basePort, faults = {}, signingSecret, requestLogLimit, memoizeResponses } = options;
  const started: RunningSubgraph[] = [];
  try {
    for (const [index, name] of SUBGRAPH_NAMES.entries()) {
      const definition = SUBGRAPHS[name];
      const port = ports[name] ?? (basePort === undefined ? definition.defaultPort : basePort + index);
      started.push(await definition.create({ faults: faults[name] }).listen({ port, host, signingSecret, requestLogLimit, memoizeResponses }));
    }
  } catch (error) {
    await Promise.allSettled(started.map((s) => s.close()));
    throw error;
  }
  const byName = Object.fromEntries(started.map((s) => [s.name, s])) as Record<SubgraphName, RunningSubgraph>;
  const urls = Object.fromEntries(started.map((s) => [s.name, s.url])) as Record<SubgraphName, string>;
  return {
    byName,
    urls,
    close: async () => {
      await Promise.all(started.map((s) => s.close()));
    },
  };
}

export * from './shared/index.js';
export { createAccountsSubgraph, createProductsSubgraph, createInventorySubgraph, createReviewsSubgraph };
