import { parseArgs } from 'node:util';
import { GatewayErrorCode, GatewayError } from '../errors.js';

export interface GatewayCliArgs {
  configFile?: string;
  supergraphFile?: string;
  supergraphConfig?: string;
  port?: number;
  host?: string;
}

export const GATEWAY_USAGE = `Usage: npm run gateway -- [--config <file.yaml>] [--supergraph <supergraph.graphql> | --supergraph-config <supergraph.yaml>] [--port <n>] [--host <addr>]`;

/** Parses `npm run gateway` flags; an unknown flag or a bad value is a CONFIG_INVALID error. */
export function parseGatewayArgs(argv: readonly string[]): GatewayCliArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        config: { type: 'string' },
        supergraph: { type: 'string' },
        'supergraph-config': { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new GatewayError(GatewayErrorCode.CONFIG_INVALID, `${(error as Error).message}\n${GATEWAY_USAGE}`);
  }
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65_535)) {
    throw new GatewayError(GatewayErrorCode.CONFIG_INVALID, `--port: "${String(values.port)}" is not a port number (0–65535).`);
  }
  if (values.supergraph && values['supergraph-config']) {
    throw new GatewayError(GatewayErrorCode.CONFIG_INVALID, '--supergraph and --supergraph-config are mutually exclusive.');
  }
  return {
    configFile: values.config as string | undefined,
    supergraphFile: values.supergraph as string | undefined,
    supergraphConfig: values['supergraph-config'] as string | undefined,
    port,
    host: values.host as string | undefined,
  };
}
