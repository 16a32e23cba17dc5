import type { GatewayConfig } from '../config/index.js';
import type { GatewayExtension } from '../extension.js';
import type { Logger } from '../observability/index.js';
import { createPlaygroundExtension } from '../plugins/playground/index.js';

export interface ExtensionDependencies {
  config: GatewayConfig;
  logger: Logger;
}

/**
 * The one place that turns config into the enabled capabilities, in the order they run: identity
 * first, then limits and cost, then routes. Each capability lives in `gateway/plugins/<name>`.
 */
export function createExtensions(deps: ExtensionDependencies): GatewayExtension[] {
  const { config } = deps;
  const extensions: GatewayExtension[] = [];
  if (config.playground.enabled) {
    extensions.push(createPlaygroundExtension({ graphqlPath: config.server.graphqlPath, title: config.playground.title }));
  }
  return extensions;
}
