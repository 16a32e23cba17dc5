import { createRequire } from 'node:module';
import type * as IORedis from 'ioredis';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/**
 * ioredis is loaded the first time a client is made, not at import: a gateway without Redis (the
 * default) never pays for it (about 7 MB of resident memory measured next to Apollo's modules). It is
 * a CommonJS package, so a synchronous require (cached by Node after the first) keeps
 * createRedisClient synchronous.
 */
const requireModule = createRequire(import.meta.url);
const loadRedis = (): typeof Redis => (requireModule('ioredis') as typeof IORedis).Redis;

/** How long a connection attempt may take before ioredis gives up and schedules the next one. */
export const DEFAULT_REDIS_CONNECT_TIMEOUT_MS = 1_000;
/** A command without an answer after this long fails, so a hung Redis cannot hang requests. */
export const DEFAULT_REDIS_COMMAND_TIMEOUT_MS = 500;
/** Longest pause between reconnection attempts while Redis is down. */
export const DEFAULT_REDIS_MAX_RECONNECT_DELAY_MS = 1_000;
/** Connection errors are logged at most once per this interval (Redis down means an error per attempt). */
export const DEFAULT_REDIS_ERROR_LOG_INTERVAL_MS = 10_000;

export interface RedisConnectionOptions {
  url: string;
  logger: Logger;
  errorLogIntervalMs?: number;
}

export interface RedisConnection {
  readonly client: Redis;
  /** Closes the connection (pending commands fail); safe to call twice. */
  stop(): Promise<void>;
}

/** host:port of a Redis URL, for logs and messages: the password never appears. */
export function describeRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || 6379}`;
  } catch {
    return 'the configured Redis';
  }
}

/**
 * What every Redis client of Switchyard is, whatever it does: one policy. A connection attempt gives
 * up after 1 s and is retried at most every second, a command never hangs (500 ms), and errors
 * surface through the failing commands. `commands` clients never queue a command while disconnected
 * (callers fall back at once); `subscriber` clients wait for their connection and resubscribe
 * themselves after a reconnect (ioredis's own resubscribe leaves an unhandled promise); `tool`
 * clients (CLIs) connect explicitly and may wait for the connection once.
 */
export function createRedisClient(url: string, role: 'commands' | 'subscriber' | 'tool' = 'commands'): Redis {
  const client = new (loadRedis())(url, {
    lazyConnect: role !== 'commands',
    enableOfflineQueue: role !== 'commands',
    autoResubscribe: false,
    maxRetriesPerRequest: role === 'subscriber' ? null : 1,
    connectTimeout: DEFAULT_REDIS_CONNECT_TIMEOUT_MS,
    commandTimeout: role === 'subscriber' ? undefined : DEFAULT_REDIS_COMMAND_TIMEOUT_MS,
    retryStrategy: (attempt) => Math.min(attempt * 100, DEFAULT_REDIS_MAX_RECONNECT_DELAY_MS),
  });
  // Errors surface through the failing commands; the event only needs a listener (and a log: see below).
  client.on('error', () => undefined);
  return client;
}

/**
 * One connection shared by the plugins that keep state across replicas (rate limits, APQ), with its
 * connection errors logged at most every 10 s. ioredis keeps reconnecting in the background and
 * commands work again as soon as Redis is back, without a restart.
 */
export function createRedisConnection(options: RedisConnectionOptions): RedisConnection {
  const logger = options.logger.child({ component: 'redis', redis: describeRedisUrl(options.url) });
  const errorLogIntervalMs = options.errorLogIntervalMs ?? DEFAULT_REDIS_ERROR_LOG_INTERVAL_MS;
  const client = createRedisClient(options.url, 'commands');
  let lastErrorLog = 0;
  let suppressed = 0;
  let wasReady = false;
  client.on('error', (error: Error) => {
    const now = Date.now();
    if (now - lastErrorLog < errorLogIntervalMs) {
      suppressed++;
      return;
    }
    logger.warn({ err: { message: error.message }, suppressedSinceLastLog: suppressed }, 'redis connection error; reconnecting');
    lastErrorLog = now;
    suppressed = 0;
  });
  client.on('ready', () => {
    logger.info(wasReady ? 'redis reconnected' : 'redis connected');
    wasReady = true;
  });
  let stopped = false;
  return {
    client,
    async stop() {
      if (stopped) return;
      stopped = true;
      client.disconnect(false);
    },
  };
}
