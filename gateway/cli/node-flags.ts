/**
 * V8 flags the gateway process runs with (`npm run gateway`, `npm start`, the Dockerfile, the
 * Kubernetes Deployment, the benchmark's B and C; cluster workers inherit them).
 *
 * `--heap-growing-percent=100`: after each full GC the old generation may grow to twice what
 * survived, the largest factor V8 itself allows a heap whose limit is under 2 GB (every container
 * under ~8 GB of memory). On a bigger machine V8 allows 4×, and a busy gateway's heap then sat at
 * ~4× its live size: on the heavy benchmark query peak RSS 335–359 MB without it, 241–245 MB with it,
 * at the same throughput (alternating runs, README "Benchmark"). Unlike `--max-old-space-size`
 * (whose values under 2048 have the same effect) it caps nothing: the heap limit stays Node's own,
 * sized from the machine's or the container's memory.
 *
 * A 64 MB young generation (`--max-semi-space-size=64`) was dropped once server.executionConcurrency
 * made it unnecessary. V8 reads such flags at start only: they cannot be set from inside.
 */
export const GATEWAY_NODE_FLAGS: readonly string[] = ['--heap-growing-percent=100'];
