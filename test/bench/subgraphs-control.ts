import type { ChildProcess } from 'node:child_process';

export type SubgraphRequestCounts = Record<string, number>;

interface SubgraphStatsMessage {
  type?: string;
  requests?: SubgraphRequestCounts;
  subscriptions?: number;
}

/** Asks the subgraphs process (subgraphs-process.ts) for its counters. */
function readStats(child: ChildProcess): Promise<SubgraphStatsMessage> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('subgraphs process did not answer "stats"')), 5_000);
    const onMessage = (message: SubgraphStatsMessage): void => {
      if (message?.type !== 'stats') return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(message);
    };
    child.on('message', onMessage);
    child.send({ type: 'stats' });
  });
}

/** How many requests each subgraph has served. */
export const readSubgraphRequests = async (child: ChildProcess): Promise<SubgraphRequestCounts> => (await readStats(child)).requests ?? {};

/** The reviews subgraph's open subscriptions (operations, whatever sockets they share). */
export const readSubgraphSubscriptions = async (child: ChildProcess): Promise<number> => (await readStats(child)).subscriptions ?? 0;

/** Total subgraph requests between two readings. */
export function requestsBetween(before: SubgraphRequestCounts, after: SubgraphRequestCounts): number {
  return Object.keys(after).reduce((sum, name) => sum + after[name] - (before[name] ?? 0), 0);
}

/**
 * Reads the counts once they stop moving, so requests a gateway is still finishing (from the warm-up, or
 * the ones autocannon abandoned when its time was up) fall on one side of the reading, not across it.
 */
export async function readSettledSubgraphRequests(child: ChildProcess, timeoutMs = 10_000): Promise<SubgraphRequestCounts> {
  const deadline = Date.now() + timeoutMs;
  let previous = await readSubgraphRequests(child);
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const current = await readSubgraphRequests(child);
    if (requestsBetween(previous, current) === 0) return current;
    previous = current;
  }
  return previous;
}
