export { createAuthPlugin, INVALID_CREDENTIALS_MESSAGE, type AuthPluginOptions } from './plugin.js';
export { signSubgraphRequest, signaturePrefix, SIGNATURE_HEADERS, SIGNED_HEADERS } from './signing.js';
export { AUTHORIZATION_FEATURES } from './security-links.js';
export { readAuthorizationRules, isAllowed, type AccessRule, type AuthorizationRules, type Caller } from './authorization-rules.js';
export { filterOperation, type FilteredOperation, type RemovalNode, type RemovedKey } from './operation-filter.js';
export { IDENTITY_HEADERS } from './identity-headers.js';
export { sha256Hex } from './api-keys.js';
