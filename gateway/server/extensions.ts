import type { GatewayConfig } from '../config/index.js';
import type { GatewayExtension } from '../extension.js';
import type { Logger } from '../observability/index.js';

export interface ExtensionDependencies {
  config: GatewayConfig;
  logger: Logger;
}

/**
 * The one place that turns config into the enabled capabilities, in the order they run: identity
 * first, then limits and cost, then routes. Each capability lives in `gateway/plugins/<name>`.
 */
export function createExtensions(_deps: ExtensionDependencies): GatewayExtension[] {
  return [];
}
