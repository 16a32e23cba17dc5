import { loadConfig, readConfigFile, type GatewayConfigInput } from './config/index.js';
import { parseGatewayArgs } from './cli-args.js';
import { GatewayStartupError } from './errors.js';
import { createGateway, listen } from './server/index.js';

/** Flags win over the config file; env vars (PORT, …) win over both, as in twelve-factor deployments. */
function inputFromArgs(argv: readonly string[]): GatewayConfigInput {
  const args = parseGatewayArgs(argv);
  const input: Record<string, any> = args.configFile ? { ...readConfigFile(args.configFile) } : {};
  input.server = { ...input.server };
  if (args.port !== undefined) input.server.port = args.port;
  if (args.host !== undefined) input.server.host = args.host;
  if (args.supergraphFile) input.supergraph = { source: 'file', path: args.supergraphFile };
  if (args.supergraphConfig) input.supergraph = { source: 'compose', configPath: args.supergraphConfig };
  return input as GatewayConfigInput;
}

async function main(): Promise<void> {
  const input = inputFromArgs(process.argv.slice(2));
  const config = loadConfig({ input, env: process.env });
  const gateway = createGateway({ config, env: process.env });
  const address = await listen(gateway, config.server.port, config.server.host);
  await gateway.start();
  gateway.logger.info({ url: address.url }, `Switchyard gateway ready at ${address.url}`);
  process.stderr.write(`\nSwitchyard gateway: ${address.url}\n\n`);
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    gateway.logger.info({ signal }, 'shutting down: finishing in-flight requests');
    gateway.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        gateway.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  if (error instanceof GatewayStartupError) {
    process.stderr.write(`switchyard: ${error.code}: ${error.message}\n`);
  } else {
    process.stderr.write(`switchyard: failed to start: ${(error as Error)?.message ?? String(error)}\n`);
  }
  process.exit(1);
});
