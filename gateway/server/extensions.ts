import type { GatewayConfig } from '../config/index.js';
import type { GatewayExtension } from '../extension.js';
import type { Logger } from '../observability/index.js';
import { createAuthExtension } from '../plugins/auth/index.js';
import { createPlaygroundExtension } from '../plugins/playground/index.js';

export interface ExtensionDependencies {
  config: GatewayConfig;
  logger: Logger;
  /** Where extensions read the secrets their config names (process.env at the edge). */
  env?: Record<string, string | undefined>;
}

/**
 * The one place that turns config into the enabled capabilities, in the order they run: identity
 * first, then limits and cost, then routes. Each capability lives in `gateway/plugins/<name>`.
 */
export function createExtensions(deps: ExtensionDependencies): GatewayExtension[] {
  const { config, logger, env = {} } = deps;
  const extensions: GatewayExtension[] = [];
  if (config.auth.enabled) extensions.push(createAuthExtension({ config: config.auth, env, logger }));
  if (config.playground.enabled) {
    extensions.push(createPlaygroundExtension({ graphqlPath: config.server.graphqlPath, title: config.playground.title }));
  }
  return extensions;
}
