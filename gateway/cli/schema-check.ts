import { checkSubgraphSchema, isCheckPassing } from '../schema-tools/check.js';
import { parseSchemaCliArgs } from './schema-args.js';
import { loadCurrentSubgraphs, readSupergraphYaml } from '../schema-tools/current-subgraphs.js';
import { formatCheckReport } from '../schema-tools/format-report.js';
import { createRedisSchemaOverrides } from '../supergraph/redis-registry.js';
import { runSchemaCli } from './run-cli.js';

/**
 * `npm run schema:check -- <subgraph> <schema-file>`: composes the candidate with the other
 * subgraphs (as published to Redis when configured) and lists breaking and dangerous changes.
 * Exit 0 when it passes, 1 on composition errors or breaking changes (unless --allow-breaking).
 */
async function main(): Promise<number> {
  const options = await parseSchemaCliArgs(process.argv.slice(2), process.env);
  const yaml = readSupergraphYaml(options.supergraphConfig, process.env);
  let overrides: ReadonlyMap<string, string> | undefined;
  if (options.redisUrl) {
    const registry = createRedisSchemaOverrides({ url: options.redisUrl });
    try {
      overrides = await registry.get();
    } finally {
      await registry.close();
    }
  }
  const current = await loadCurrentSubgraphs(yaml, overrides);
  const result = checkSubgraphSchema({ current, subgraph: options.subgraph, candidateSdl: options.sdl });
  process.stdout.write(formatCheckReport(result, options.allowBreaking));
  return isCheckPassing(result, options.allowBreaking) ? 0 : 1;
}

runSchemaCli('schema:check', main);
