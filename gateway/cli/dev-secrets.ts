/**
 * DEVELOPMENT-ONLY secrets for `npm start` and `npm run token`. Public by definition (they are in the
 * repository): never set them in a deployment — the gateway itself has no default and reads its
 * secrets from SWITCHYARD_JWT_SECRET / SWITCHYARD_SUBGRAPH_SECRET.
 */
export const DEV_JWT_SECRET = 'switchyard-dev-only-jwt-secret-do-not-deploy-0001';
export const DEV_SUBGRAPH_SECRET = 'switchyard-dev-only-subgraph-signing-secret-0001';
