import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GatewayErrorCode } from '../../../gateway/errors.js';
import { REPO_ROOT } from '../../helpers/gateway.js';

describe("README's error table", () => {
  it('lists exactly the codes in gateway/errors.ts', () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const table = readme.split('<!-- error-table:start -->')[1]?.split('<!-- error-table:end -->')[0] ?? '';
    const documented = [...table.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]).sort();
    expect(documented).toEqual(Object.values(GatewayErrorCode).sort());
  });
});
