// The gateway's request-signing protocol, taken from its one dependency-free module rather than copied.
export { checkSignature, MAX_SIGNATURE_AGE_SECONDS, SIGNATURE_HEADERS } from '../../gateway/plugins/auth/signing.js';
