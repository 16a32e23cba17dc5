import type { SupergraphSdlHook } from '@apollo/gateway';
import type { Logger } from 'pino';
import type { LoadedSupergraph, SupergraphSource } from './supergraph-source.js';

export interface SupergraphHookOptions {
  source: SupergraphSource;
  logger: Logger;
  /** Applied to every SDL before the engine loads it (feature checks, purposes cleared); may throw to refuse it. */
  prepare?: (supergraphSdl: string) => string;
  /** Told about every supergraph the engine accepted (initial and reloaded). */
  onLoaded?: (supergraph: LoadedSupergraph) => void;
}

/**
 * Feeds ApolloGateway from a SupergraphSource. Reloads go through `update`, which the engine applies
 * between requests (in-flight operations finish on the schema they started with). A reload the
 * engine rejects leaves the last good supergraph serving.
 */
export function createSupergraphHook(options: SupergraphHookOptions): SupergraphSdlHook {
  const { source, logger } = options;
  const prepare = options.prepare ?? ((sdl: string) => sdl);
  return async ({ update }) => {
    const initial = await source.load();
    for (const hint of initial.hints) logger.debug({ hint }, 'composition hint');
    const supergraphSdl = prepare(initial.supergraphSdl);
    options.onLoaded?.(initial);
    const stop = source.watch(initial, {
      onUpdate(next) {
        try {
          update(prepare(next.supergraphSdl));
          options.onLoaded?.(next);
          logger.info({ supergraphId: next.id.slice(0, 12) }, 'supergraph reloaded');
        } catch (error) {
          logger.error({ err: error }, 'supergraph reload rejected by the engine; still serving the last good supergraph');
        }
      },
      onError(error) {
        logger.error(
          { err: { message: error.message, code: (error as { code?: string }).code } },
          'supergraph reload failed; still serving the last good supergraph',
        );
      },
    });
    return { supergraphSdl, cleanup: async () => stop() };
  };
}
