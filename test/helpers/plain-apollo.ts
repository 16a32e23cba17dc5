import { AUTHORIZATION_FEATURES } from '../../gateway/plugins/auth/index.js';
import { clearSecurityPurposes } from '../../gateway/supergraph/index.js';

/**
 * The supergraph as a plain `@apollo/gateway` user must feed it: the authorization links'
 * `for: SECURITY` cleared, since the engine refuses them (and then ignores the directives).
 */
export function plainApolloSupergraph(supergraphSdl: string): string {
  return clearSecurityPurposes(supergraphSdl, AUTHORIZATION_FEATURES);
}
