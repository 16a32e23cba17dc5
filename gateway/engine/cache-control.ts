/**
 * Merges the Cache-Control headers of every subgraph response that fed one client response into the
 * most restrictive one (RFC 9111 §5.2.2): any `no-store` wins; otherwise the smallest `max-age` and
 * `s-maxage`, `private` if any is private, `no-cache`/`must-revalidate` if any has them. A subgraph
 * that sent no Cache-Control declared nothing about freshness, so it counts as `no-store` — unless
 * no subgraph sent one, in which case there is nothing to say (undefined).
 */
export function mergeCacheControl(values: ReadonlyArray<string | undefined>): string | undefined {
  if (values.length === 0 || values.every((value) => value === undefined)) return undefined;
  let maxAge = Infinity;
  let sharedMaxAge = Infinity;
  let isPrivate = false;
  let isPublic = false;
  let noCache = false;
  let mustRevalidate = false;
  for (const value of values) {
    if (value === undefined) return 'no-store';
    const directives = parseCacheControl(value);
    if (directives.has('no-store')) return 'no-store';
    const age = directives.get('max-age');
    const ownMaxAge = age === undefined ? NaN : Number(age);
    // No freshness lifetime at all: nothing downstream may reuse it without asking.
    if (Number.isNaN(ownMaxAge) && !directives.has('s-maxage')) noCache = true;
    if (!Number.isNaN(ownMaxAge)) maxAge = Math.min(maxAge, ownMaxAge);
    const shared = directives.get('s-maxage');
    const ownShared = shared === undefined ? ownMaxAge : Number(shared);
    if (!Number.isNaN(ownShared)) sharedMaxAge = Math.min(sharedMaxAge, ownShared);
    if (directives.has('private')) isPrivate = true;
    if (directives.has('public')) isPublic = true;
    if (directives.has('no-cache')) noCache = true;
    if (directives.has('must-revalidate')) mustRevalidate = true;
  }
  const out: string[] = [];
  if (isPrivate) out.push('private');
  else if (isPublic) out.push('public');
  if (noCache) out.push('no-cache');
  if (maxAge !== Infinity) out.push(`max-age=${maxAge}`);
  if (!isPrivate && sharedMaxAge !== Infinity && sharedMaxAge !== maxAge) out.push(`s-maxage=${sharedMaxAge}`);
  if (mustRevalidate) out.push('must-revalidate');
  return out.length ? out.join(', ') : 'no-store';
}

/** Directive name (lower case) → argument ('' when none); quoted arguments unquoted. */
export function parseCacheControl(value: string): Map<string, string> {
  const directives = new Map<string, string>();
  for (const part of value.split(',')) {
    const [rawName, ...rest] = part.split('=');
    const name = rawName.trim().toLowerCase();
    if (!name) continue;
    directives.set(
      name,
      rest
        .join('=')
        .trim()
        .replace(/^"(.*)"$/, '$1'),
    );
  }
  return directives;
}
