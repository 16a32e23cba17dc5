import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_STATUS, GatewayErrorCode } from '../../../gateway/errors.js';
import { REPO_ROOT } from '../../helpers/gateway.js';

const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
const table = readme.split('<!-- error-table:start -->')[1]?.split('<!-- error-table:end -->')[0] ?? '';
const rows = [...table.matchAll(/^\| `([A-Z_]+)` \| ([^|]+) \|/gm)].map((m) => ({ code: m[1], http: m[2].trim() }));

describe("README's error table", () => {
  it('lists exactly the codes in gateway/errors.ts', () => {
    expect(rows.map((r) => r.code).sort()).toEqual(Object.values(GatewayErrorCode).sort());
  });

  it('shows the HTTP status each code has in ERROR_STATUS', () => {
    for (const { code, http } of rows) {
      const status = ERROR_STATUS[code as GatewayErrorCode];
      expect(http.startsWith(status === undefined ? '—' : String(status)), `${code}: README says "${http}", errors.ts ${status}`).toBe(true);
    }
  });
});
