/**
 * V8 flags the gateway process runs with (`npm run gateway`, `npm start`, the benchmark's B and C;
 * cluster workers inherit them). A 64 MB young generation lets the many short-lived objects of plan
 * execution and result merging die young instead of being promoted and marked: measured ×1.46 RPS on
 * the heavy benchmark query for about +120 MB RSS (../shared/FIELD-NOTES.md). V8 reads the flag at
 * start only, so it cannot be set from inside the process.
 */
export const GATEWAY_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64'];
