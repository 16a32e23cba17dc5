import { createPublicKey } from 'node:crypto';
import type { z } from 'zod';
import type { authSchema } from './auth-schema.js';

/** Shortest HS256 secret or signing secret accepted: 256 bits, as RFC 7518 §3.2 requires for HS256. */
export const MIN_SECRET_BYTES = 32;

/** The secrets the config names, read from the environment once, at load. Never logged. */
export interface GatewaySecrets {
  /** HS* JWT secret (`auth.jwt.secretEnv`). */
  jwtSecret?: string;
  /** Subgraph request-signing secret (`auth.signing.secretEnv`). */
  signingSecret?: string;
}

/**
 * Reads the secrets `auth` names from `env` and checks them with the rest of the config: too short
 * a secret, or a `publicKey` that is not a PEM public key, is a problem naming its key.
 */
export function readSecrets(
  auth: z.output<typeof authSchema>,
  env: Record<string, string | undefined>,
): { secrets: GatewaySecrets; problems: string[] } {
  const problems: string[] = [];
  const fromEnv = (name: string, key: string): string | undefined => {
    const value = env[name];
    if (value === undefined || value === '') return undefined;
    if (Buffer.byteLength(value) < MIN_SECRET_BYTES) {
      problems.push(`${key} (env ${name}): the secret must be at least ${MIN_SECRET_BYTES} bytes`);
      return undefined;
    }
    return value;
  };
  const secrets: GatewaySecrets = {
    jwtSecret: fromEnv(auth.jwt.secretEnv, 'auth.jwt.secretEnv'),
    signingSecret: fromEnv(auth.signing.secretEnv, 'auth.signing.secretEnv'),
  };
  if (auth.jwt.publicKey) {
    try {
      createPublicKey(auth.jwt.publicKey);
    } catch (error) {
      problems.push(`auth.jwt.publicKey: not a PEM public key (${(error as Error).message})`);
    }
  }
  return { secrets, problems };
}
