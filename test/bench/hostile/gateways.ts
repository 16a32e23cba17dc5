// Starting and stopping the two gateways of the hostile benchmark, and the supergraph they share.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GATEWAY_NODE_FLAGS } from '../../../gateway/cli/node-flags.js';
import { composeSupergraph, type SubgraphSdl } from '../../../gateway/supergraph/index.js';
import { REPO_ROOT, SUBGRAPH_NAMES } from '../../helpers/gateway.js';
import type { GatewayId } from '../args.js';
import { graphqlUrlFromBanner, PLAIN_GATEWAY_READY, spawnServer, SWITCHYARD_READY, type Child } from '../processes.js';
import { HOSTILE_SDL, HOSTILE_SUBGRAPH_NAME } from './hostile-subgraph.js';

/** A gateway that froze must not hold up the next class: SIGKILL after this long past SIGTERM. */
const KILL_AFTER_MS = 3_000;

export type RunningGateway = Child & { url: string; id: GatewayId };

/** Composes the four example subgraphs plus the hostile one into `<folder>/supergraph.graphql`. */
export function writeHostileSupergraph(folder: string, urls: Record<string, string>, hostileUrl: string): string {
  const subgraphs: SubgraphSdl[] = SUBGRAPH_NAMES.map((name) => ({
    name,
    url: urls[name],
    sdl: readFileSync(join(REPO_ROOT, 'subgraphs', name, 'schema.graphql'), 'utf8'),
  }));
  subgraphs.push({ name: HOSTILE_SUBGRAPH_NAME, url: hostileUrl, sdl: HOSTILE_SDL });
  const path = join(folder, 'supergraph.graphql');
  writeFileSync(path, composeSupergraph(subgraphs).supergraphSdl);
  return path;
}

/**
 * A: plain @apollo/gateway (Node's default flags, as its users run it). B: Switchyard with its default
 * config — no `--config`, so rate limits, operation limits and cost are whatever ships — and its launch
 * flags, as `npm run gateway` starts it.
 */
export async function startGateway(id: GatewayId, supergraphPath: string, logFile: string): Promise<RunningGateway> {
  const child =
    id === 'A'
      ? await spawnServer<RegExpExecArray>({
          script: 'test/bench/plain-gateway.ts',
          args: [supergraphPath, '0'],
          // Nothing leaves the machine during a benchmark; this changes no request path.
          env: { APOLLO_TELEMETRY_DISABLED: 'true' },
          logFile,
          readyPattern: PLAIN_GATEWAY_READY,
        })
      : await spawnServer<RegExpExecArray>({
          script: 'gateway/cli/main.ts',
          nodeArgs: GATEWAY_NODE_FLAGS,
          args: ['--supergraph', supergraphPath, '--port', '0', '--host', '127.0.0.1'],
          logFile,
          readyPattern: SWITCHYARD_READY,
        });
  return { ...child, id, url: graphqlUrlFromBanner(child.ready) };
}

/** How the process ended up: `alive`, or the exit code / signal it died with during the class. */
export function processState(gateway: RunningGateway): string {
  const { exitCode, signalCode } = gateway.process;
  if (signalCode) return `killed by ${signalCode}`;
  return exitCode === null ? 'alive' : `exited ${exitCode}`;
}

/** SIGTERM, then SIGKILL soon after: the next class gets a fresh process either way. */
export async function stopGateway(gateway: RunningGateway): Promise<void> {
  const stopping = gateway.stop();
  const timer = setTimeout(() => gateway.process.kill('SIGKILL'), KILL_AFTER_MS);
  await stopping;
  clearTimeout(timer);
}
