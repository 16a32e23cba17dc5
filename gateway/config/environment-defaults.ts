type Mutable = Record<string, unknown>;

const isObject = (value: unknown): value is Mutable => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Defaults that depend on the environment rather than on a constant: the playground is on unless
 * NODE_ENV is `production`, and introspection follows the playground unless set explicitly — a
 * playground without introspection has no docs, and production exposes neither by default.
 * Leaves malformed sections alone so the schema reports them with their key.
 */
export function applyEnvironmentDefaults(merged: Mutable, env: Record<string, string | undefined>): void {
  const playground = merged.playground === undefined ? {} : merged.playground;
  if (!isObject(playground)) return;
  const enabled = playground.enabled ?? env.NODE_ENV !== 'production';
  merged.playground = { ...playground, enabled };
  const server = merged.server === undefined ? {} : merged.server;
  if (!isObject(server) || typeof enabled !== 'boolean') return;
  merged.server = { ...server, introspection: server.introspection ?? enabled };
}
