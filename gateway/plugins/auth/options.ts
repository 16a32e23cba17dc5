import { createPublicKey, type KeyObject } from 'node:crypto';
import type { AuthConfig } from '../../config/index.js';
import { GatewayErrorCode, GatewayStartupError } from '../../errors.js';

/** Shortest HS256 secret or signing secret accepted: 256 bits, as RFC 7518 §3.2 requires for HS256. */
export const MIN_SECRET_BYTES = 32;

export interface ResolvedSecrets {
  jwtSecret?: Uint8Array;
  publicKey?: KeyObject;
  signingSecret?: string;
}

function secretFromEnv(env: Record<string, string | undefined>, name: string, key: string): string | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  if (Buffer.byteLength(value) < MIN_SECRET_BYTES) {
    throw new GatewayStartupError(GatewayErrorCode.CONFIG_INVALID, 'Invalid configuration:', [
      `${key} (env ${name}): the secret must be at least ${MIN_SECRET_BYTES} bytes`,
    ]);
  }
  return value;
}

/** Reads the secrets the auth config names from the environment, once at start; fails naming the key. */
export function resolveSecrets(config: AuthConfig, env: Record<string, string | undefined>): ResolvedSecrets {
  const jwtSecret = secretFromEnv(env, config.jwt.secretEnv, 'auth.jwt.secretEnv');
  const signingSecret = secretFromEnv(env, config.signing.secretEnv, 'auth.signing.secretEnv');
  let publicKey: KeyObject | undefined;
  if (config.jwt.publicKey) {
    try {
      publicKey = createPublicKey(config.jwt.publicKey);
    } catch (error) {
      throw new GatewayStartupError(GatewayErrorCode.CONFIG_INVALID, 'Invalid configuration:', [
        `auth.jwt.publicKey: not a PEM public key (${(error as Error).message})`,
      ]);
    }
  }
  return { jwtSecret: jwtSecret === undefined ? undefined : new TextEncoder().encode(jwtSecret), publicKey, signingSecret };
}
