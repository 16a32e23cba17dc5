import { parseSchemaCliArgs } from './schema-args.js';
import { readSupergraphYaml } from '../schema-tools/current-subgraphs.js';
import { formatCheckReport } from '../schema-tools/format-report.js';
import { publishToFile, publishToRedis } from '../schema-tools/publish.js';
import { runSchemaCli } from './run-cli.js';

/**
 * `npm run schema:publish -- <subgraph> <schema-file>`: runs the check, then publishes — to Redis
 * when `redis.url` / REDIS_URL / --redis-url is set, else by replacing the schema file that
 * supergraph.yaml points to. A failing check publishes nothing (exit 1).
 */
async function main(): Promise<number> {
  const options = await parseSchemaCliArgs(process.argv.slice(2), process.env);
  const request = {
    yaml: readSupergraphYaml(options.supergraphConfig, process.env),
    subgraph: options.subgraph,
    sdl: options.sdl,
    allowBreaking: options.allowBreaking,
  };
  const outcome = options.redisUrl ? await publishToRedis({ ...request, url: options.redisUrl }) : await publishToFile(request);
  process.stdout.write(formatCheckReport(outcome.check, options.allowBreaking));
  if (!outcome.published) {
    process.stdout.write(
      `\n✖ Not published: fix the problems above${outcome.check.compositionErrors.length ? '' : ' or pass --allow-breaking'}. Nothing was changed.\n`,
    );
    return 1;
  }
  const details = outcome.version === undefined ? '' : ` as version ${outcome.version}; ${outcome.notified} gateway replica(s) notified`;
  process.stdout.write(`\n✔ Published "${options.subgraph}" to ${outcome.target}${details}.\n`);
  return 0;
}

runSchemaCli('schema:publish', main);
