import { createHash } from 'node:crypto';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { addHistoryPane } from '../../../../../gateway/plugins/playground/history-pane.js';
import { renderPlaygroundPage } from '../../../../../gateway/plugins/playground/render-page.js';

describe('renderPlaygroundPage', () => {
  it('renders the inline GraphiQL for the endpoint, with the History pane, and a CSP naming its one script by hash', async () => {
    const page = await renderPlaygroundPage({ graphqlPath: '/api/graphql', title: 'Test playground' });
    const html = page.html.toString();
    expect(html).toContain('<title>Test playground</title>');
    expect(html).toContain('"endpoint":"/api/graphql"');
    expect(html).toContain('"shouldPersistHeaders":false');
    expect(html).toMatch(/shouldPersistHeaders:!0,plugins:\[[\w$]+,[\w$]+\]/);
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1];
    expect(page.contentSecurityPolicy).toContain(`'sha256-${createHash('sha256').update(script).digest('base64')}'`);
    expect(gunzipSync(page.gzipped).equals(page.html)).toBe(true);
    expect(brotliDecompressSync(page.brotli).equals(page.html)).toBe(true);
  });
});

describe('addHistoryPane', () => {
  it("adds the build's History plugin next to the Explorer", () => {
    const html = 'const QQ={title:"History",icon:x};…shouldPersistHeaders:!0,plugins:[r],…';
    expect(addHistoryPane(html)).toEqual({ html: html.replace('plugins:[r]', 'plugins:[r,QQ]'), applied: true });
  });

  it('leaves a build it does not recognise unchanged', () => {
    const html = '…plugins:[r]…';
    expect(addHistoryPane(html)).toEqual({ html, applied: false });
  });
});
