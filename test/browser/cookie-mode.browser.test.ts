// Cookie mode in a real browser: a page from an allowed origin logs in, refreshes with credentials: 'include' and
// reads the profile without ever seeing the refresh token; a page from another origin on the same site (so the
// SameSite=Strict cookie is sent) can neither refresh nor log out, by script or by form, and a second refresh
// cookie it plants makes refresh refuse the pair rather than take either.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { findChromium, launchChromium, servePages, type PageServer } from '../helpers/browser.js';
import { startCookieModeApi, type CookieModeApi } from '../helpers/cookie-mode-api.js';
import { accessTokenOf, jsonPost, pageFetch } from '../helpers/page-fetch.js';
import { describeWithService } from '../helpers/required-service.js';

const account = { email: 'browser.user@example.com', password: 'Cookie-jar-kept-42!', name: 'B' };
/** Served under /api/auth so that a readable cookie with that path would show in this page's document.cookie. */
const APP_PAGE = '/api/auth/app.html';
const BLANK = '<!doctype html><title>page</title>';
/**
 * text/plain forms (no custom header possible): an empty body, and the trick that makes a body look like JSON. The
 * CSRF check runs before any body is read, so both are refused by it.
 */
const FORMS = new Map([
  ['an empty body', { fields: '', status: 403, error: 'CSRF_CHECK_FAILED' }],
  [
    'a JSON-looking body',
    {
      fields: `<input type="hidden" name='{"refreshToken":"x","pad":"' value='"}'>`,
      status: 403,
      error: 'CSRF_CHECK_FAILED',
    },
  ],
]);

describeWithService('cookie mode in a real browser', findChromium(), (chromium) => {
  // Set in beforeAll, which also lists how to stop each; afterAll stops whatever got started, last first.
  let browser!: Browser;
  let allowed!: PageServer;
  let disallowed!: PageServer;
  let api!: CookieModeApi;
  const stops: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    allowed = await servePages((url) => (url.pathname === APP_PAGE ? BLANK : undefined));
    stops.push(() => allowed.close());
    // `/` is a blank page; /api/auth/<route>?form=<kind> a form posting to that route on the API.
    disallowed = await servePages((url) => {
      if (url.pathname === '/') return BLANK;
      const form = FORMS.get(url.searchParams.get('form') ?? '');
      if (form === undefined) return undefined;
      return `<form method="post" enctype="text/plain" action="${api.url}${url.pathname}">${form.fields}<button>Go</button></form>`;
    });
    stops.push(() => disallowed.close());
    api = await startCookieModeApi(allowed.origin);
    stops.push(() => api.stop());
    const registered = await fetch(`${api.url}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(account),
    });
    expect(registered.status).toBe(201);
    browser = await launchChromium(chromium());
    stops.push(() => browser.close());
  });
  afterAll(async () => {
    for (const stop of stops.reverse()) await stop();
  });

  const credentials = { email: account.email, password: account.password };
  const logIn = (page: Page) => pageFetch(page, `${api.url}/api/auth/login`, jsonPost(credentials));
  const refresh = (page: Page) => pageFetch(page, `${api.url}/api/auth/refresh`, jsonPost({}));
  const logOut = (page: Page) => pageFetch(page, `${api.url}/api/auth/logout`, jsonPost({}));

  async function refreshCookie(context: BrowserContext) {
    const cookies = await context.cookies(`${api.url}/api/auth/refresh`);
    // Ours, by path too: a planted one of the same name may sit beside it.
    return cookies.find(
      (cookie) => cookie.name === api.refreshCookie && cookie.path === '/api/auth',
    );
  }

  /** A fresh browser context with the allowed page open and signed in; the refresh cookie's value. */
  async function signedInAppPage() {
    const context = await browser.newContext();
    onTestFinished(() => context.close());
    const page = await context.newPage();
    await page.goto(`${allowed.origin}${APP_PAGE}`);
    const login = await logIn(page);
    expect(login).toMatchObject({ status: 200, body: { success: true } });
    const cookie = await refreshCookie(context);
    expect(cookie?.value).toEqual(expect.any(String));
    return { context, page, login, cookie: cookie?.value ?? '' };
  }

  it('when the allowed page logs in, refreshes and reads the profile, then the refresh token stays in an HttpOnly cookie', async () => {
    const { context, page, login, cookie } = await signedInAppPage();
    const firstAccess = accessTokenOf(login);
    expect(firstAccess).toEqual(expect.any(String));
    expect(JSON.stringify(login)).not.toContain('refreshToken');
    expect(JSON.stringify(login)).not.toContain(cookie);
    expect(await refreshCookie(context)).toMatchObject({
      domain: '127.0.0.1',
      path: '/api/auth',
      httpOnly: true,
      sameSite: 'Strict',
    });

    const refreshed = await refresh(page);
    expect(refreshed).toMatchObject({ status: 200, body: { success: true } });
    const newAccess = accessTokenOf(refreshed);
    expect(newAccess).toEqual(expect.any(String));
    expect(newAccess).not.toBe(firstAccess);
    expect(JSON.stringify(refreshed)).not.toContain('refreshToken');
    expect((await refreshCookie(context))?.value).not.toBe(cookie);

    const profile = await pageFetch(page, `${api.url}/api/auth/profile`, {
      method: 'GET',
      headers: { Authorization: `Bearer ${newAccess ?? ''}` },
    });
    expect(profile).toMatchObject({
      status: 200,
      body: { data: { user: { email: account.email } } },
    });

    // The page would see a cookie on this path were it not HttpOnly: the probe shows, the refresh cookie does not.
    await context.addCookies([
      { name: 'probe', value: 'visible', url: `${allowed.origin}/api/auth/` },
    ]);
    const documentCookie = await page.evaluate<string>('document.cookie');
    expect(documentCookie).toContain('probe=visible');
    expect(documentCookie).not.toContain(api.refreshCookie);
  });

  it('when the allowed page logs out with the cookie, then the cookie is cleared and a following refresh gets 401', async () => {
    const { context, page } = await signedInAppPage();
    const kept = await refreshCookie(context);

    expect(await logOut(page)).toMatchObject({ status: 200, body: { success: true } });

    expect(await refreshCookie(context)).toBeUndefined();
    expect(await refresh(page)).toMatchObject({
      status: 401,
      body: { error: 'REFRESH_TOKEN_INVALID' },
    });
    // Even a kept copy of the cookie is refused: the session ended on the server, not only in the browser.
    if (kept) await context.addCookies([kept]);
    expect(await refresh(page)).toMatchObject({ status: 401, body: { success: false } });
  });

  it('when a page from a disallowed origin fetches refresh and logout with credentials, then CORS refuses and the session lives on', async () => {
    const { context, page, cookie } = await signedInAppPage();
    const other = await context.newPage();
    await other.goto(`${disallowed.origin}/`);
    const seen = api.arrivals.length;

    expect(await refresh(other)).toEqual({ rejected: 'TypeError' });
    expect(await logOut(other)).toEqual({ rejected: 'TypeError' });

    // Only the preflights arrived; the POSTs themselves were never sent.
    expect(api.arrivals.slice(seen)).toEqual([
      `OPTIONS /api/auth/refresh from ${disallowed.origin}`,
      `OPTIONS /api/auth/logout from ${disallowed.origin}`,
    ]);
    expect((await refreshCookie(context))?.value).toBe(cookie);
    expect(await refresh(page)).toMatchObject({ status: 200 });
  });

  it('when a page on a sibling origin plants a second refresh cookie, then refresh is refused with ours kept, and works once it is gone', async () => {
    const { context, page, cookie } = await signedInAppPage();
    // Cookies ignore ports: the page on the other port is a sibling that can set cookies this API receives. Its
    // narrower path makes the browser send the planted cookie first.
    const sibling = await context.newPage();
    await sibling.goto(`${disallowed.origin}/`);
    const plant = (attributes: string) =>
      sibling.evaluate(`document.cookie = '${api.refreshCookie}=planted; ${attributes}'`);
    await plant('path=/api/auth/refresh');

    const refused = await refresh(page);
    expect(refused).toMatchObject({ status: 400, body: { error: 'BAD_REQUEST' } });
    expect(JSON.stringify(refused)).toContain(
      `"message":"Two ${api.refreshCookie} cookies arrived`,
    );
    expect((await refreshCookie(context))?.value).toBe(cookie);

    await plant('path=/api/auth/refresh; max-age=0');
    expect(await refresh(page)).toMatchObject({ status: 200, body: { success: true } });
  });

  describe.each(['refresh', 'logout'])(
    'a form from a disallowed origin posting to /api/auth/%s',
    (route) => {
      it.each([...FORMS])(
        'when it carries %s, then it is refused and the session lives on',
        async (form, { status, error }) => {
          const { context, page, cookie } = await signedInAppPage();
          const other = await context.newPage();
          await other.goto(
            `${disallowed.origin}/api/auth/${route}?form=${encodeURIComponent(form)}`,
          );

          const target = `${api.url}/api/auth/${route}`;
          const [response] = await Promise.all([
            other.waitForResponse((r) => r.url() === target && r.request().method() === 'POST'),
            other.click('button'),
          ]);

          // The SameSite=Strict cookie did go along (same site): the server's checks are what refuse the post.
          const sent = await response.request().allHeaders();
          expect(sent.cookie).toContain(`${api.refreshCookie}=${cookie}`);
          expect(sent.origin).toBe(disallowed.origin);
          expect(response.status()).toBe(status);
          expect(await response.json()).toMatchObject({ success: false, error });
          expect((await refreshCookie(context))?.value).toBe(cookie);
          expect(await refresh(page)).toMatchObject({ status: 200 });
        },
      );
    },
  );
});
