import { readFileSync } from 'node:fs';
import { loadConfig, readConfigFile } from '../config/index.js';
import { PERSISTED_DOCUMENTS_CHANNEL, PERSISTED_DOCUMENTS_KEY, publishManifestToRedis } from '../plugins/persisted-documents/index.js';

const USAGE = 'Usage: npm run documents:publish -- <manifest.json> [--config switchyard.yaml] [--redis-url redis://…]';

/**
 * `npm run documents:publish -- <manifest.json>`: validates a trusted-documents manifest (Apollo's
 * persisted query list or a Relay map) and publishes it to the Redis that replicas configured with
 * `persistedDocuments.source: redis` read. Exit 0 when published, 1 on failure, 2 on a bad command line.
 */
async function main(argv: readonly string[]): Promise<number> {
  let manifestPath: string | undefined;
  let configPath: string | undefined;
  let redisUrl: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--config') configPath = argv[++i];
    else if (arg === '--redis-url') redisUrl = argv[++i];
    else if (!arg.startsWith('--') && manifestPath === undefined) manifestPath = arg;
    else {
      process.stderr.write(`documents:publish: unknown argument '${arg}'\n${USAGE}\n`);
      return 2;
    }
  }
  if (!manifestPath) {
    process.stderr.write(`documents:publish: name the manifest file\n${USAGE}\n`);
    return 2;
  }
  const config = loadConfig({ input: configPath ? readConfigFile(configPath) : {}, env: process.env });
  const url = redisUrl ?? config.redis.url;
  if (!url) {
    process.stderr.write('documents:publish: no Redis to publish to: set redis.url, REDIS_URL or --redis-url.\n');
    return 1;
  }
  let manifestText: string;
  try {
    manifestText = readFileSync(manifestPath, 'utf8');
  } catch {
    process.stderr.write(`documents:publish: ${manifestPath} not found or unreadable.\n`);
    return 1;
  }
  const { documents, notified } = await publishManifestToRedis({
    url,
    key: PERSISTED_DOCUMENTS_KEY,
    channel: PERSISTED_DOCUMENTS_CHANNEL,
    manifestText,
    source: manifestPath,
  });
  process.stdout.write(`✔ Published ${documents} trusted document(s); ${notified} gateway replica(s) notified.\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`documents:publish: ${(error as Error)?.message ?? String(error)}\n`);
    process.exit(1);
  },
);
