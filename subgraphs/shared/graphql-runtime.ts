import { createRequire } from 'node:module';
import type * as GraphQL from 'graphql';

/**
 * graphql-js as loaded by `@apollo/subgraph` (CommonJS). The schema it builds only works with `execute` and
 * `validate` from that same build: tools that prefer the package's `module` field (vitest/vite) would hand an
 * ESM `import 'graphql'` the separate `index.mjs` build and fail with "Cannot use GraphQLSchema from another
 * module or realm". Plain Node already resolves both to the CommonJS build, so this changes nothing there.
 */
export const graphqlRuntime = createRequire(import.meta.url)('graphql') as typeof GraphQL;
