import type { GatewayExtension } from '../../gateway/extension.js';

/**
 * Stands in for the auth extension through the same seam: `x-test-client` (and optional
 * `x-test-tier`) become an API-key identity, `x-test-subject` a JWT identity, so limits can be
 * tested per client id, subject and tier.
 */
export const testIdentityExtension: GatewayExtension = {
  name: 'test-identity',
  buildContext(context) {
    const subject = context.incoming.headers['x-test-subject'];
    if (typeof subject === 'string') context.identity = { kind: 'jwt', subject, scopes: [], tier: 'authenticated' };
    const clientId = context.incoming.headers['x-test-client'];
    if (typeof clientId !== 'string') return;
    const tier = context.incoming.headers['x-test-tier'];
    context.identity = { kind: 'api-key', clientId, scopes: [], tier: typeof tier === 'string' ? tier : 'authenticated' };
  },
};
