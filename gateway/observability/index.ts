export { createLogger, REDACTED_LOG_PATHS, type CreateLoggerOptions, type Logger } from './logger.js';
export { resolveRequestId } from './request-id.js';
