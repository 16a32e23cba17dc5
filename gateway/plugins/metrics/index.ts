import type { GatewayPlugin } from '../plugin.js';
import type { GatewayMetrics } from '../../observability/index.js';

/** Where Prometheus scrapes, unless `metrics.path` says otherwise. */
export const DEFAULT_METRICS_PATH = '/metrics';

export interface MetricsPluginOptions {
  metrics: GatewayMetrics;
  path?: string;
}

/** Serves the Prometheus text exposition at `path` (GET only). */
export function createMetricsPlugin(options: MetricsPluginOptions): GatewayPlugin {
  const path = options.path ?? DEFAULT_METRICS_PATH;
  return {
    name: 'metrics',
    async handleHttp(request, response, url) {
      if (url.pathname !== path || (request.method !== 'GET' && request.method !== 'HEAD')) return false;
      const body = await options.metrics.render();
      response.writeHead(200, { 'content-type': options.metrics.contentType, 'cache-control': 'no-store' });
      response.end(request.method === 'HEAD' ? undefined : body);
      return true;
    },
  };
}
