type Mutable = Record<string, unknown>;

const isObject = (value: unknown): value is Mutable => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Defaults that depend on the environment rather than on a constant: the playground is on unless
 * NODE_ENV is `production`, and introspection follows the playground unless set explicitly — a
 * playground without introspection has no docs, and production exposes neither by default; and
 * subgraph error messages are masked in production unless `subgraphs.defaults.maskErrors` says otherwise.
 * Leaves malformed sections alone so the schema reports them with their key.
 */
export function applyEnvironmentDefaults(merged: Mutable, env: Record<string, string | undefined>): void {
  const playground = merged.playground === undefined ? {} : merged.playground;
  if (!isObject(playground)) return;
  const enabled = playground.enabled ?? env.NODE_ENV !== 'production';
  merged.playground = { ...playground, enabled };
  const subgraphs = merged.subgraphs === undefined ? {} : merged.subgraphs;
  // Subgraph error messages may carry internals (database URLs, stacks): masked in production.
  if (isObject(subgraphs) && env.NODE_ENV === 'production') {
    const defaults = subgraphs.defaults === undefined ? {} : subgraphs.defaults;
    if (isObject(defaults)) merged.subgraphs = { ...subgraphs, defaults: { ...defaults, maskErrors: defaults.maskErrors ?? true } };
  }
  const server = merged.server === undefined ? {} : merged.server;
  if (!isObject(server) || typeof enabled !== 'boolean') return;
  merged.server = { ...server, introspection: server.introspection ?? enabled };
}
