// The reference page in a real browser, under the CSP the app sends: Swagger UI starts, lists every documented
// operation and can call the API, with no CSP violation, no script error and no request to any other host.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it, onTestFinished } from 'vitest';
import { startHttpServer } from '../../src/server/http-server.js';
import { findChromium, launchChromium } from '../helpers/browser.js';
import { START_UP_LIMIT_MS } from '../helpers/child-output.js';
import { describeWithService } from '../helpers/required-service.js';
import { buildTestApp } from '../helpers/test-app.js';

/** How long the page may take to render (Swagger UI on a loaded machine is slow, not broken). */
const RENDER_LIMIT_MS = START_UP_LIMIT_MS;

/** The API on a loopback port, and a page of the browser watching for anything that goes wrong on it. */
async function openReferencePage(browser: Browser) {
  const { app, document } = buildTestApp();
  const running = await startHttpServer(app, { host: '127.0.0.1', port: 0 });
  onTestFinished(async () => {
    await running.close(1_000);
  });
  const origin = `http://127.0.0.1:${running.address.port}`;
  const context = await browser.newContext();
  onTestFinished(() => context.close());
  const page = await context.newPage();
  const problems: string[] = [];
  const elsewhere: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(`${origin}/`) && !url.startsWith('data:')) elsewhere.push(url);
  });
  await page.goto(`${origin}/api/docs`);
  await page.locator('.opblock').first().waitFor({ timeout: RENDER_LIMIT_MS });
  return { page, problems, elsewhere, document: document() };
}

async function tryHealth(page: Page): Promise<string> {
  const health = page.locator('#operations-Operations-health');
  await health.locator('.opblock-summary').click();
  await health.getByRole('button', { name: 'Try it out' }).click();
  await health.getByRole('button', { name: 'Execute' }).click();
  const status = health.locator('.live-responses-table tr.response .response-col_status').first();
  await status.waitFor({ timeout: RENDER_LIMIT_MS });
  return (await status.textContent()) ?? '';
}

describeWithService('the reference page in a real browser', findChromium(), (chromium) => {
  let browser!: Browser;
  beforeAll(async () => {
    browser = await launchChromium(chromium());
  });
  afterAll(async () => {
    await browser.close();
  });

  it('when the page is opened, then it lists every operation with no CSP violation or request elsewhere', async () => {
    const { page, problems, elsewhere, document } = await openReferencePage(browser);
    const operationCount = Object.values(document.paths).flatMap(Object.keys).length;

    await expect
      .poll(() => page.locator('.opblock').count(), { timeout: RENDER_LIMIT_MS })
      .toBe(operationCount);
    expect(await page.locator('.info .title').textContent()).toContain('auth-api');
    // Swagger UI shows what it cannot render of a document in its error boxes.
    expect(await page.locator('.errors-wrapper').count()).toBe(0);
    expect(problems).toEqual([]);
    expect(elsewhere).toEqual([]);
  });

  it('when an operation is tried from the page, then the browser calls the API and shows its answer', async () => {
    const { page, problems, elsewhere } = await openReferencePage(browser);

    expect((await tryHealth(page)).trim()).toBe('200');
    if (process.env.DOCS_SCREENSHOT)
      await page.screenshot({ path: process.env.DOCS_SCREENSHOT, fullPage: true });
    expect(problems).toEqual([]);
    expect(elsewhere).toEqual([]);
  });
});
