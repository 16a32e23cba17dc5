import { defineConfig } from 'vitest/config';

// Integration tests start real servers; two workers match this machine's two cores.
export default defineConfig({
  // Vite prefers graphql's ESM build while Apollo's CommonJS packages require the CJS one; two
  // copies break `instanceof GraphQLError` checks. Node itself always loads the CJS build.
  resolve: { alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }] },
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 20_000,
    hookTimeout: 30_000,
    allowOnly: false,
    passWithNoTests: false,
    // The plain Apollo Gateways the differential tests start must not report usage to Apollo.
    env: { APOLLO_TELEMETRY_DISABLED: 'true' },
  },
});
