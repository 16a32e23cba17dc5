/**
 * V8 flags the gateway process runs with (`npm run gateway`, `npm start`, the Dockerfile, the
 * Kubernetes Deployment, the benchmark's B and C; cluster workers inherit them). None today: a 64 MB
 * young generation (`--max-semi-space-size=64`) once bought ×1.46 RPS on the heavy benchmark query
 * for ~+120 MB RSS, because every request in flight kept its subgraph answers alive past the young
 * generation. server.executionConcurrency now ends each request sooner on a saturated event loop,
 * and with it the default young generation measured the same throughput at ~360 MB instead of ~470 MB
 * peak RSS (README "Benchmark"). V8 reads such flags at start only: they cannot be set from inside.
 */
export const GATEWAY_NODE_FLAGS: readonly string[] = [];
