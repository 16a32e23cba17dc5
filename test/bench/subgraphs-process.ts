// Child process for the benchmark: the four example subgraphs on ephemeral ports, in production mode, no
// faults, replaying answers to query bodies they have seen (so the gateway, not the subgraphs, is
// what the benchmark measures; their CPU is still reported). Talks to the harness over IPC: `ready` with the URLs, then answers `stats` with request counts (and the reviews subgraph's open subscriptions).
process.env.NODE_ENV = 'production';
const { SUBGRAPH_NAMES, startAllSubgraphs } = await import('../../subgraphs/index.js');

const running = await startAllSubgraphs({
  host: '127.0.0.1',
  ports: Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, 0])),
  memoizeResponses: 10_000,
});
const send = (message: unknown): void => void process.send?.(message);

process.on('message', (message: { type?: string }) => {
  if (message?.type !== 'stats') return;
  const requests = Object.fromEntries(Object.values(running.byName).map((s) => [s.name, s.stats.requests]));
  send({ type: 'stats', requests, subscriptions: running.byName.reviews.stats.subscriptions });
});
// The harness going away (or asking) ends us: subgraphs must never outlive a benchmark run.
process.on('disconnect', () => void running.close().then(() => process.exit(0)));
process.on('SIGTERM', () => void running.close().then(() => process.exit(0)));
send({ type: 'ready', urls: running.urls });
