/** The authorization specs Switchyard enforces itself (Apollo's `for: SECURITY` features). */
export const AUTHORIZATION_SPECS = ['authenticated', 'requiresScopes', 'policy'] as const;

const SECURITY_LINK = /@link\(([^)]*)\)/g;
const ENFORCED_URL = new RegExp(`"https://specs\\.apollo\\.dev/(${AUTHORIZATION_SPECS.join('|')})/v[0-9.]+"`);
const FOR_SECURITY = /,?\s*for:\s*SECURITY\b/;

/**
 * Clears `for: SECURITY` from the links to the specs this plugin enforces, so ApolloGateway (which
 * refuses unsupported SECURITY features) loads the supergraph; the directives stay on the fields for
 * the authorization rules to read. Links to other SECURITY features stay, and the engine refuses them.
 */
export function clearEnforcedSecurityPurposes(supergraphSdl: string): string {
  return supergraphSdl.replace(SECURITY_LINK, (link, args: string) =>
    ENFORCED_URL.test(args) && FOR_SECURITY.test(args) ? `@link(${args.replace(FOR_SECURITY, '')})` : link,
  );
}
