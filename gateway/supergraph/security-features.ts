import { GatewayErrorCode, GatewayStartupError } from '../errors.js';

const SECURITY_LINK = /@link\(url:\s*"([^"]+)"[^)]*\bfor:\s*SECURITY\b[^)]*\)/g;

/**
 * Fails closed on a supergraph whose links still say `for: SECURITY` after every extension prepared
 * it: nobody would enforce those rules (auth off, or a feature nothing here implements), and Apollo
 * Router refuses such a supergraph for the same reason. Runs on every (re)load.
 */
export function assertNoUnenforcedSecurityFeatures(supergraphSdl: string): string {
  const urls = [...supergraphSdl.matchAll(SECURITY_LINK)].map((match) => match[1]);
  if (urls.length === 0) return supergraphSdl;
  throw new GatewayStartupError(
    GatewayErrorCode.SUPERGRAPH_INVALID,
    `The supergraph uses authorization features nothing enforces (${urls.join(', ')}); refusing to serve ` +
      'fields whose access rules would be ignored. Turn auth on (auth.enabled: true) or remove the directives from the subgraphs.',
  );
}
