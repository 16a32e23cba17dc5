import { describe, expect, it } from 'vitest';
import { AUTHORIZATION_FEATURES } from '../../../../gateway/plugins/auth/index.js';
import { buildSupergraphModel, composeSupergraph, prepareSupergraphForEngine } from '../../../../gateway/supergraph/index.js';

const readLinkedFeatures = (sdl: string) => buildSupergraphModel(sdl).features;

const fed = (imports: string) => `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: [${imports}])\n`;
const supergraph = (sdl: string) => composeSupergraph([{ name: 'a', url: 'http://a/graphql', sdl }]).supergraphSdl;

describe('supergraph features and the engine', () => {
  const withBoth = supergraph(`${fed('"@key", "@inaccessible", "@authenticated", "@tag"')}
    type Query { a: String @authenticated  b: String @inaccessible @tag(name: "x") }`);

  it("reads the linked features with their purposes from Apollo's core-schema model", () => {
    const features = readLinkedFeatures(withBoth);
    expect(features).toEqual(
      expect.arrayContaining([
        { url: 'https://specs.apollo.dev/inaccessible/v0.2', purpose: 'SECURITY' },
        { url: 'https://specs.apollo.dev/authenticated/v0.1', purpose: 'SECURITY' },
        { url: 'https://specs.apollo.dev/join/v0.5', purpose: 'EXECUTION' },
        { url: 'https://specs.apollo.dev/tag/v0.3', purpose: undefined },
      ]),
    );
  });

  it('keeps features the engine enforces (inaccessible) and clears only the plugin-enforced purposes', () => {
    const prepared = prepareSupergraphForEngine(withBoth, AUTHORIZATION_FEATURES).sdl;
    const purposes = Object.fromEntries(readLinkedFeatures(prepared).map((f) => [f.url, f.purpose]));
    expect(purposes['https://specs.apollo.dev/inaccessible/v0.2']).toBe('SECURITY');
    expect(purposes['https://specs.apollo.dev/join/v0.5']).toBe('EXECUTION');
    expect(purposes['https://specs.apollo.dev/authenticated/v0.1']).toBeUndefined();
    expect(prepared).toContain('@authenticated');
  });

  it('refuses a plugin feature when the plugin is off, naming the feature and the fix', () => {
    expect(() => prepareSupergraphForEngine(withBoth, new Set())).toThrow(
      /authenticated\/v0\.1 \(for: SECURITY\): the auth plugin enforces it: turn auth on \(auth\.enabled: true\)/,
    );
  });

  it('leaves a supergraph with nothing to clear untouched (same string)', () => {
    const plain = supergraph(`${fed('"@key", "@inaccessible"')} type Query { a: String  b: String @inaccessible }`);
    expect(prepareSupergraphForEngine(plain, AUTHORIZATION_FEATURES).sdl).toBe(plain);
  });
});
