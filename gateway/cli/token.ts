import { parseArgs } from 'node:util';
import { SignJWT } from 'jose';
import { DEV_JWT_SECRET } from './dev-secrets.js';

const USAGE = 'Usage: npm run token -- --sub alice [--scopes "products:write other"] [--expires 1h] [--iss X] [--aud Y]';

/**
 * `npm run token`: prints an HS256 JWT for the gateway `npm start` runs — signed with
 * SWITCHYARD_JWT_SECRET, or the development secret when it is unset.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      sub: { type: 'string' },
      scopes: { type: 'string', default: '' },
      expires: { type: 'string', default: '1h' },
      iss: { type: 'string' },
      aud: { type: 'string' },
    },
    strict: true,
  });
  if (!values.sub) throw new Error('--sub is required.');
  const secret = process.env.SWITCHYARD_JWT_SECRET || DEV_JWT_SECRET;
  // Scopes may be given space- or comma-separated; the token carries the OAuth `scope` string.
  const scope = values
    .scopes!.split(/[\s,]+/)
    .filter(Boolean)
    .join(' ');
  let jwt = new SignJWT(scope ? { scope } : {})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(values.sub)
    .setIssuedAt()
    .setExpirationTime(values.expires!);
  if (values.iss) jwt = jwt.setIssuer(values.iss);
  if (values.aud) jwt = jwt.setAudience(values.aud);
  process.stdout.write(`${await jwt.sign(new TextEncoder().encode(secret))}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`token: ${(error as Error).message}\n${USAGE}\n`);
  process.exit(1);
});
