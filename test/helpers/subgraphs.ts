import {
  REQUEST_LOG_LIMIT,
  SUBGRAPH_NAMES,
  startAllSubgraphs,
  type RunningSubgraphs,
  type SubgraphFaults,
  type SubgraphName,
} from '../../subgraphs/index.js';

export type { RunningSubgraphs, SubgraphName };

export type SubgraphOverrides = Partial<Record<SubgraphName, { faults?: SubgraphFaults }>>;

/** Starts all four subgraphs on ephemeral ports (127.0.0.1:0), request log on. Push `close` onto your afterAll stack. */
export function startSubgraphs(overrides: SubgraphOverrides = {}): Promise<RunningSubgraphs> {
  const ports = Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, 0]));
  const faults = Object.fromEntries(Object.entries(overrides).flatMap(([name, o]) => (o?.faults ? [[name, o.faults]] : [])));
  return startAllSubgraphs({ host: '127.0.0.1', ports, faults, requestLogLimit: REQUEST_LOG_LIMIT });
}

export interface GraphQLResponse<D = Record<string, any>> {
  status: number;
  headers: Headers;
  body: { data?: D | null; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
}

/** POSTs a GraphQL request over real HTTP and parses the JSON answer. */
export async function postGraphQL<D = Record<string, any>>(
  url: string,
  query: string,
  options: { variables?: Record<string, unknown>; headers?: Record<string, string> } = {},
): Promise<GraphQLResponse<D>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...options.headers },
    body: JSON.stringify({ query, variables: options.variables }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as GraphQLResponse<D>['body'] };
}

/** A LIFO stack of cleanups, drained in afterAll (graphql-http test style). */
export function createCloseStack() {
  const closers: Array<() => Promise<void>> = [];
  return {
    push(close: () => Promise<void>) {
      closers.push(close);
    },
    async drain() {
      while (closers.length > 0) await closers.pop()!();
    },
  };
}
