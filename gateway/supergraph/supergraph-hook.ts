import type { SupergraphSdlHook } from '@apollo/gateway';
import type { Logger } from 'pino';
import { buildSupergraphModel, type SupergraphModel } from './supergraph-model.js';
import type { LoadedSupergraph, SupergraphSource } from './supergraph-source.js';

export interface SupergraphHookOptions {
  source: SupergraphSource;
  logger: Logger;
  /**
   * Builds the model of every SDL before the engine loads it (feature checks, purposes cleared in
   * `model.sdl`, what the engine gets); may throw to refuse it. Default: the model, unchanged.
   */
  prepare?: (supergraphSdl: string) => SupergraphModel;
  /** Told each model right before the engine is given it (plugins derive what they need, keyed by `model.sdl`). */
  onModel?: (model: SupergraphModel) => void;
  /** Told about every supergraph the engine accepted (initial and reloaded). */
  onLoaded?: (supergraph: LoadedSupergraph, model: SupergraphModel) => void;
}

/**
 * Feeds ApolloGateway from a SupergraphSource. Reloads go through `update`, which the engine applies
 * between requests (in-flight operations finish on the schema they started with). A reload the
 * engine rejects leaves the last good supergraph serving.
 */
export function createSupergraphHook(options: SupergraphHookOptions): SupergraphSdlHook {
  const { source, logger } = options;
  const prepare = (sdl: string) => {
    const model = (options.prepare ?? buildSupergraphModel)(sdl);
    options.onModel?.(model);
    return model;
  };
  return async ({ update }) => {
    const initial = await source.load();
    for (const hint of initial.hints) logger.debug({ hint }, 'composition hint');
    const model = prepare(initial.supergraphSdl);
    options.onLoaded?.(initial, model);
    const stop = source.watch(initial, {
      onUpdate(next) {
        try {
          const nextModel = prepare(next.supergraphSdl);
          update(nextModel.sdl);
          options.onLoaded?.(next, nextModel);
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
    return { supergraphSdl: model.sdl, cleanup: async () => stop() };
  };
}
