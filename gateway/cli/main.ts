import { loadConfig, readConfigFile, type GatewayConfigInput } from '../config/index.js';
import { parseGatewayArgs } from './gateway-args.js';
import { GatewayError } from '../errors.js';
import cluster from 'node:cluster';
import { createLogger } from '../observability/index.js';
import { announceWorkerReady, onStopRequest, resolveWorkerCount, startPrimary } from '../server/cluster.js';
import { createGateway, listen } from '../server/index.js';

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
  const workers = resolveWorkerCount(config.server.workers);
  if (workers > 1 && cluster.isPrimary) return runPrimary(workers, config.logging.level, config.server.shutdownGraceMs);
  const gateway = createGateway({ config, env: process.env });
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
  // A library promise nobody awaits (e.g. a Redis command cut by a reconnect) must not take down a
  // gateway serving other requests: log it with its reason and keep serving.
  process.on('unhandledRejection', (reason) => {
    gateway.logger.error({ err: reason }, 'unhandled promise rejection (ignored; please report)');
  });
  // Registered before listen/start: a worker still starting must obey the primary's stop message.
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  onStopRequest(shutdown);
  const address = await listen(gateway, config.server.port, config.server.host);
  await gateway.start();
  gateway.logger.info({ url: address.url }, `Switchyard gateway ready at ${address.url}`);
  if (cluster.isWorker) announceWorkerReady(address.url);
  else process.stderr.write(`\nSwitchyard gateway: ${address.url}\n\n`);
}

/** The cluster primary only supervises: it forks the workers and forwards signals to them. */
function runPrimary(workers: number, level: string, shutdownGraceMs: number): void {
  const logger = createLogger({ level });
  const primary = startPrimary({
    workers,
    logger,
    shutdownGraceMs,
    onReady: (url) => process.stderr.write(`\nSwitchyard gateway: ${url} (${workers} workers)\n\n`),
  });
  process.on('SIGINT', () => primary.stop('SIGINT'));
  process.on('SIGTERM', () => primary.stop('SIGTERM'));
  void primary.done.then((code) => process.exit(code));
}

main().catch((error: unknown) => {
  if (error instanceof GatewayError) {
    process.stderr.write(`switchyard: ${error.code}: ${error.message}\n`);
  } else {
    process.stderr.write(`switchyard: failed to start: ${(error as Error)?.message ?? String(error)}\n`);
  }
  process.exit(1);
});
