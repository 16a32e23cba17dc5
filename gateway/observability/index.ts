export { createLogger, REDACTED_LOG_PATHS, type CreateLoggerOptions, type Logger } from './logger.js';
export { resolveRequestId } from './request-id.js';
export { createGatewayMetrics, DEFAULT_DURATION_BUCKETS, type GatewayMetrics, type GatewayMetricsOptions } from './metrics.js';
export { createTracing, type RequestTrace, type TraceSpan, type Tracing, type TracingOptions } from './tracing.js';
