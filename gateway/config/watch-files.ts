import { watch as watchFs, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';

/** Kubernetes mounts a ConfigMap as symlinks through `..data`, swapped atomically on every update. */
const CONFIGMAP_SWAP_NAME = '..data';

/**
 * Watches the folders holding `paths` and calls `onChange` when one of those files changes (or the
 * platform cannot say which file did, or a ConfigMap `..data` swap replaced them all).
 * Folders, not files, because editors and atomic publishes replace a file by rename.
 */
export function watchFiles(paths: readonly string[], onChange: () => void): () => void {
  const byFolder = new Map<string, Set<string>>();
  for (const path of paths) {
    const folder = dirname(path);
    const names = byFolder.get(folder) ?? new Set<string>();
    names.add(basename(path));
    byFolder.set(folder, names);
  }
  const watchers: FSWatcher[] = [];
  for (const [folder, names] of byFolder) {
    try {
      const watcher = watchFs(folder, (_event, filename) => {
        if (!filename) return onChange();
        const name = String(filename);
        if (names.has(name) || name === CONFIGMAP_SWAP_NAME) onChange();
      });
      watcher.on('error', () => undefined);
      watchers.push(watcher);
    } catch {
      // A folder that vanished is picked up again at the next successful reload.
    }
  }
  return () => watchers.forEach((w) => w.close());
}
