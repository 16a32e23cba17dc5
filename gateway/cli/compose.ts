import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { GatewayError } from '../errors.js';
import { createComposedSupergraphSource } from '../supergraph/index.js';

const USAGE = 'Usage: npm run compose -- [--config supergraph.yaml] [--out supergraph.graphql]';

/** `npm run compose`: composes supergraph.yaml like `rover supergraph compose` and writes the SDL. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { config: { type: 'string', default: 'supergraph.yaml' }, out: { type: 'string' } },
    strict: true,
  });
  const supergraph = await createComposedSupergraphSource({ configPath: values.config!, env: process.env }).load();
  for (const hint of supergraph.hints) process.stderr.write(`hint: ${hint}\n`);
  if (values.out) {
    writeFileSync(values.out, supergraph.supergraphSdl);
    process.stderr.write(`wrote ${values.out}\n`);
  } else {
    process.stdout.write(supergraph.supergraphSdl);
  }
}

main().catch((error: unknown) => {
  const prefix = error instanceof GatewayError ? `${error.code}: ` : '';
  process.stderr.write(`compose: ${prefix}${(error as Error).message}\n${error instanceof GatewayError ? '' : USAGE + '\n'}`);
  process.exit(1);
});
