import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { watchFiles } from '../../config/watch-files.js';
import type { RedisHashFeed } from '../../redis-hash-feed.js';
import { EMPTY_MANIFEST, parseManifest, type PersistedManifest } from './manifest.js';

/** Where the trusted documents come from; `current` is what requests are checked against. */
export interface ManifestSource {
  current(): PersistedManifest;
  /** Loads the first manifest (throws, naming the problem, when it cannot) and starts following changes. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

const RELOAD_DEBOUNCE_MS = 75;

/**
 * A manifest file, reloaded when it changes (editors, atomic renames, ConfigMap swaps). A reload that
 * fails keeps the last good manifest and is logged.
 */
export function createFileManifestSource(path: string, options: { watch: boolean; logger: Logger }): ManifestSource {
  let manifest = EMPTY_MANIFEST;
  let stopWatching: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  const load = () => parseManifest(readManifest(path), `persistedDocuments.manifest "${path}"`);
  const reload = () => {
    try {
      manifest = load();
      options.logger.info({ documents: manifest.byId.size }, 'persisted documents reloaded');
    } catch (error) {
      options.logger.error({ err: { message: (error as Error).message } }, 'persisted documents reload failed; keeping the last good manifest');
    }
  };
  return {
    current: () => manifest,
    async start() {
      manifest = load();
      if (options.watch) {
        stopWatching = watchFiles([path], () => {
          clearTimeout(timer);
          timer = setTimeout(reload, RELOAD_DEBOUNCE_MS);
        });
      }
    },
    async stop() {
      clearTimeout(timer);
      stopWatching?.();
    },
  };
}

function readManifest(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new Error(`persistedDocuments.manifest "${path}" not found or unreadable.`);
  }
}

/**
 * The manifest published to Redis (`npm run documents:publish`): a hash id → document, announced on
 * a channel so every replica reloads it. A failed reload keeps the last good manifest.
 */
export function createRedisManifestSource(feed: RedisHashFeed, options: { logger: Logger }): ManifestSource {
  let manifest = EMPTY_MANIFEST;
  let unsubscribe: (() => void) | undefined;
  const load = async () => parseManifest(JSON.stringify(await feed.read()), 'persisted documents in Redis');
  return {
    current: () => manifest,
    async start() {
      manifest = await load();
      unsubscribe = feed.subscribe(() => {
        load().then(
          (next) => {
            manifest = next;
            options.logger.info({ documents: manifest.byId.size }, 'persisted documents reloaded from Redis');
          },
          (error: unknown) =>
            options.logger.error({ err: { message: (error as Error).message } }, 'persisted documents reload failed; keeping the last good manifest'),
        );
      });
    },
    async stop() {
      unsubscribe?.();
      await feed.close();
    },
  };
}
