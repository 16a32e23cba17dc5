import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GATEWAY_NODE_FLAGS } from '../../../../gateway/cli/node-flags.js';
import { REPO_ROOT } from '../../../helpers/gateway.js';

describe('GATEWAY_NODE_FLAGS', () => {
  it('are the flags `npm run gateway` (built) and `npm run gateway:dev` (source) start the gateway with (the benchmark measures that command)', () => {
    const scripts = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>;
    expect(scripts.gateway).toBe(['node', ...GATEWAY_NODE_FLAGS, 'dist/gateway/cli/main.js'].join(' '));
    expect(scripts['gateway:dev']).toBe(['node', ...GATEWAY_NODE_FLAGS, '--import tsx gateway/cli/main.ts'].join(' '));
  });
});
