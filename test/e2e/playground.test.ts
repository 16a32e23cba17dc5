import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser.js';
import { REPO_ROOT, startGateway, waitFor, type StartedGateway } from '../helpers/gateway.js';
import type { RunningSubgraphs } from '../../subgraphs/index.js';
import { createCloseStack, postGraphQL, startSubgraphs } from '../helpers/subgraphs.js';
import { mintToken, secretBytes } from '../helpers/tokens.js';

const closeStack = createCloseStack();
const JWT_SECRET = 'playground-test-secret-0123456789abcdef012345';
let gateway: StartedGateway;
let browser: BrowserContext;
let subgraphs: RunningSubgraphs;

// products (name, price) and reviews (rating, body): one query, two subgraphs.
const QUERY = '{ topProducts(first: 2) { name reviews { rating } } }';

beforeAll(async () => {
  subgraphs = await startSubgraphs();
  closeStack.push(subgraphs.close);
  gateway = await startGateway({
    subgraphUrls: subgraphs.urls,
    config: { playground: { enabled: true } },
    env: { SWITCHYARD_JWT_SECRET: JWT_SECRET },
  });
  closeStack.push(gateway.close);
  browser = await launchChromium();
  closeStack.push(() => browser.close());
});
afterAll(() => closeStack.drain());

/** Replaces the operation in GraphiQL's editor (once the editor has loaded). */
async function typeQuery(page: Page, query: string): Promise<void> {
  const editor = page.locator('.graphiql-query-editor .monaco-editor').first();
  await editor.waitFor({ timeout: 15_000 });
  await editor.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(query);
}

describe('playground in a real browser', () => {
  it('runs a query spanning two subgraphs, shows the result, and never leaves localhost', async () => {
    const page = await browser.newPage();
    const requested: string[] = [];
    const problems: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));

    await page.goto(gateway.url);
    await typeQuery(page, QUERY);
    const answered = page.waitForResponse(
      (r) => r.url().endsWith('/graphql') && r.request().method() === 'POST' && r.request().postData()!.includes('topProducts'),
    );
    await page.locator('.graphiql-execute-button').click();
    expect((await answered).status()).toBe(200);

    const result = page.locator('.graphiql-response');
    await expect.poll(() => result.innerText(), { timeout: 10_000 }).toContain('"rating"');
    const text = await result.innerText();
    expect(text).toContain('"topProducts"');
    expect(text).toContain('"name"');

    // The docs explorer is built from introspection, which the playground switch turns on.
    await page.getByLabel('Show Documentation Explorer').click();
    await page.locator('.graphiql-doc-explorer').getByText('Query', { exact: true }).first().waitFor({ timeout: 10_000 });

    // History records the operation just run.
    await page.getByLabel('Show History').click();
    await page.locator('.graphiql-history-item').first().waitFor({ timeout: 10_000 });

    mkdirSync(join(REPO_ROOT, 'test-results'), { recursive: true });
    await page.screenshot({ path: join(REPO_ROOT, 'test-results', 'playground.png') });

    const origin = new URL(gateway.url).origin;
    const external = requested.filter((url) => !url.startsWith(origin) && !url.startsWith('blob:') && !url.startsWith('data:'));
    expect(external).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('subscribes through the gateway: a review added elsewhere shows up in the subscription result', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(gateway.url);
    await typeQuery(page, 'subscription { reviewAdded { body product { name } author { username } } }');
    const streaming = page.waitForResponse((r) => r.url().includes('/graphql') && (r.headers()['content-type'] ?? '').includes('text/event-stream'));
    await page.locator('.graphiql-execute-button').click();
    expect((await streaming).status()).toBe(200);
    // The stream is open at the gateway; wait until the subgraph subscription is too, so no event is missed.
    await waitFor(() => subgraphs.byName.reviews.stats.subscriptions > 0, 10_000, 'the subgraph subscription');

    // Another client adds a review (as the author of an app would, signed in).
    const token = await mintToken(secretBytes(JWT_SECRET), { sub: '11' });
    const added = await postGraphQL(
      gateway.url,
      'mutation { addReview(input: { productUpc: "1", body: "Seen-in-the-playground", rating: 5 }) { id } }',
      {
        headers: { authorization: `Bearer ${token}` },
      },
    );
    expect(added.body.errors).toBeUndefined();
    const result = page.locator('.graphiql-response');
    await expect.poll(() => result.innerText(), { timeout: 10_000 }).toContain('Seen-in-the-playground');
    const text = await result.innerText();
    expect(text).toContain('"username"');
    expect(text).toContain('"name"');
    expect(problems).toEqual([]);
  });

  it('runs a @defer query: the answer streams as multipart/mixed and the result shows the deferred fields merged', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(gateway.url);
    await typeQuery(page, '{ topProducts(first: 2) { upc ... @defer(label: "later") { name reviews { rating } } } }');
    const answered = page.waitForResponse((r) => r.url().endsWith('/graphql') && r.request().postData()?.includes('@defer') === true);
    await page.locator('.graphiql-execute-button').click();
    const response = await answered;
    expect(response.status()).toBe(200);
    expect(response.request().headers().accept).toContain('multipart/mixed');
    expect(response.headers()['content-type']).toBe('multipart/mixed; boundary="-"; deferSpec=20220824');

    const result = page.locator('.graphiql-response');
    await expect.poll(() => result.innerText(), { timeout: 10_000 }).toContain('"rating"');
    const text = await result.innerText();
    expect(text).toContain('"upc"');
    expect(text).toContain('"name"');
    expect(text).not.toContain('hasNext');
    expect(problems).toEqual([]);
  });
});
