import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { watchFiles } from '../config/watch-files.js';
import { GatewayErrorCode, GatewayError } from '../errors.js';
import { composeSupergraph, type SubgraphSdl } from './compose.js';
import { loadSubgraphSdl } from './load-subgraph-sdl.js';
import { readSupergraphYaml, type SubgraphDefinition } from './supergraph-yaml.js';

export interface LoadedSupergraph {
  supergraphSdl: string;
  /** sha256 of the SDL: equal ids mean nothing changed. */
  id: string;
  /** Composition hints (warnings), for the log. */
  hints: readonly string[];
}

export interface SupergraphWatchHandlers {
  onUpdate(supergraph: LoadedSupergraph): void;
  /** A reload failed; the last good supergraph stays in service. */
  onError(error: Error): void;
}

/** Where supergraphs come from. `load` is the initial load; `watch` reports later changes. */
export interface SupergraphSource {
  load(): Promise<LoadedSupergraph>;
  /** Starts watching for changes relative to `current` (what `load` returned); returns stop. */
  watch(current: LoadedSupergraph, handlers: SupergraphWatchHandlers): () => void;
}

/** Replaces the SDL of named subgraphs (a schema registry); `subscribe` reports new publishes. */
export interface SubgraphSdlOverrides {
  get(): Promise<ReadonlyMap<string, string>>;
  subscribe(onChange: () => void): () => void;
}

/** Debounce for file events: editors write a file in several steps. */
const WATCH_DEBOUNCE_MS = 75;

function sdlId(sdl: string): string {
  return createHash('sha256').update(sdl).digest('hex');
}

/** Serialises reloads: one runs at a time, and a request during a run triggers one more run after it. */
function createReloader(run: () => Promise<void>): () => void {
  let running = false;
  let again = false;
  const trigger = (): void => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    void run().finally(() => {
      running = false;
      if (again) {
        again = false;
        trigger();
      }
    });
  };
  return trigger;
}

export interface ComposedSourceOptions {
  configPath: string;
  env?: Record<string, string | undefined>;
  watch?: boolean;
  /** Seconds between re-introspections of `subgraph_url` sources; 0 disables. */
  pollIntervalSeconds?: number;
  overrides?: SubgraphSdlOverrides;
  /** The composer; default `composeSupergraph`. A seam to observe how often composition runs. */
  composer?: (subgraphs: readonly SubgraphSdl[]) => { supergraphSdl: string; hints: string[] };
}

/** A supergraph composed from rover's supergraph.yaml, recomposed when its inputs change. */
export function createComposedSupergraphSource(options: ComposedSourceOptions): SupergraphSource {
  const configPath = resolve(options.configPath);
  let watchedPaths: string[] = [configPath];
  let hasIntrospection = false;
  const composer = options.composer ?? composeSupergraph;
  // Composition stalls the event loop 100–230 ms: skip it when names, URLs and SDLs are unchanged.
  let last: { inputsId: string; result?: LoadedSupergraph; error?: unknown } | undefined;

  async function compose(): Promise<LoadedSupergraph> {
    const yaml = readSupergraphYaml(configPath, options.env);
    watchedPaths = [configPath];
    hasIntrospection = false;
    for (const s of yaml.subgraphs) {
      if (s.schema.kind === 'file') watchedPaths.push(s.schema.path);
      else hasIntrospection = true;
    }
    const overrides = (await options.overrides?.get()) ?? new Map<string, string>();
    const sdls = await Promise.all(
      yaml.subgraphs.map(async (subgraph: SubgraphDefinition) => ({
        name: subgraph.name,
        url: subgraph.routingUrl,
        sdl: overrides.get(subgraph.name) ?? (await loadSubgraphSdl(subgraph)),
      })),
    );
    const inputsId = sdlId(JSON.stringify(sdls));
    if (last?.inputsId === inputsId) {
      if (last.result) return last.result;
      throw last.error;
    }
    try {
      const { supergraphSdl, hints } = composer(sdls);
      last = { inputsId, result: { supergraphSdl, hints, id: sdlId(supergraphSdl) } };
      return last.result!;
    } catch (error) {
      last = { inputsId, error };
      throw error;
    }
  }

  return {
    load: compose,
    watch(current, handlers) {
      let lastId = current.id;
      let stopFiles: () => void = () => undefined;
      let stopped = false;
      const reload = createReloader(async () => {
        try {
          const next = await compose();
          if (stopped) return;
          rewatch();
          if (next.id !== lastId) {
            lastId = next.id;
            handlers.onUpdate(next);
          }
        } catch (error) {
          if (stopped) return;
          // supergraph.yaml may have parsed and named new files: watch them, so fixing one reloads.
          rewatch();
          handlers.onError(error as Error);
        }
      });
      let debounce: NodeJS.Timeout | undefined;
      const onFileChange = (): void => {
        clearTimeout(debounce);
        debounce = setTimeout(reload, WATCH_DEBOUNCE_MS);
      };
      const rewatch = (): void => {
        if (options.watch === false) return;
        stopFiles();
        stopFiles = watchFiles(watchedPaths, onFileChange);
      };
      rewatch();
      const pollSeconds = options.pollIntervalSeconds ?? 0;
      const poll =
        pollSeconds > 0
          ? setInterval(() => {
              if (hasIntrospection) reload();
            }, pollSeconds * 1000)
          : undefined;
      poll?.unref();
      const stopOverrides = options.overrides?.subscribe(reload) ?? (() => undefined);
      return () => {
        stopped = true;
        clearTimeout(debounce);
        if (poll) clearInterval(poll);
        stopFiles();
        stopOverrides();
      };
    },
  };
}

export interface FileSourceOptions {
  path: string;
  watch?: boolean;
}

/** A precomposed supergraph SDL file (`npm run compose` output), reloaded when it changes. */
export function createFileSupergraphSource(options: FileSourceOptions): SupergraphSource {
  const path = resolve(options.path);
  async function read(): Promise<LoadedSupergraph> {
    let supergraphSdl: string;
    try {
      supergraphSdl = await readFile(path, 'utf8');
    } catch {
      throw new GatewayError(GatewayErrorCode.SUPERGRAPH_INVALID, `Supergraph file "${options.path}" not found or unreadable.`);
    }
    return { supergraphSdl, hints: [], id: sdlId(supergraphSdl) };
  }
  return {
    load: read,
    watch(current, handlers) {
      if (options.watch === false) return () => undefined;
      let lastId = current.id;
      let debounce: NodeJS.Timeout | undefined;
      const reload = createReloader(async () => {
        try {
          const next = await read();
          if (next.id !== lastId) {
            lastId = next.id;
            handlers.onUpdate(next);
          }
        } catch (error) {
          handlers.onError(error as Error);
        }
      });
      const stop = watchFiles([path], () => {
        clearTimeout(debounce);
        debounce = setTimeout(reload, WATCH_DEBOUNCE_MS);
      });
      return () => {
        clearTimeout(debounce);
        stop();
      };
    },
  };
}
