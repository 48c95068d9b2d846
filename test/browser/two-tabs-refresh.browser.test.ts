// Issue 20 item 5 in a real browser: one browser context (one cookie jar) with two tabs of an app in cookie mode,
// both refreshing at the same moment, round after round. With the reuse grace (DESIGN section 9) both tabs stay
// signed in and converge on one refresh cookie; strict (REFRESH_REUSE_GRACE_SECONDS=0) the same race signs the user
// out, which shows the race is real.
import type { IncomingMessage } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it, onTestFinished } from 'vitest';
import { ErrorCodes } from '../../src/errors/error-catalogue.js';
import { findChromium, launchChromium, servePages, type PageServer } from '../helpers/browser.js';
import { startCookieModeApi } from '../helpers/cookie-mode-api.js';
import { accessTokenOf, jsonPost, pageFetch, type PageResult } from '../helpers/page-fetch.js';
import { describeWithService } from '../helpers/required-service.js';

const account = { email: 'two.tabs@example.com', password: 'Two-tabs-one-jar-42!', name: 'T' };
const APP_PAGE = '/app.html';
const BLANK = '<!doctype html><title>app</title>';
const REFRESH = '/api/auth/refresh';
/**
 * How the two tabs' refreshes meet in each round. `free`: both fetches start at once and the browser's timing decides
 * whether the second carries the cookie from before the first answer or after it. `crossing`: as free, and both are
 * surely in flight before either is answered (refreshCrossing), so both carry the old cookie. `in turn`: the second
 * tab starts once the first has its answer, so it carries the new cookie.
 */
type RoundKind = 'free' | 'crossing' | 'in turn';
const ROUNDS: RoundKind[] = [
  ...Array<RoundKind>(5).fill('free'),
  ...Array<RoundKind>(5).fill('crossing'),
  ...Array<RoundKind>(2).fill('in turn'),
];

/**
 * Once armed, holds the first refresh POST that arrives until a second one has: both tabs' requests have then left
 * the browser before either is answered, so both carry the cookie the jar held before the round, however fast the
 * server answers. Nothing waits on time, only on the other request.
 */
function refreshCrossing() {
  let armed = false;
  let release: (() => void) | undefined;
  return {
    arm: () => {
      armed = true;
    },
    hold: (req: IncomingMessage): Promise<void> | undefined => {
      if (!armed || req.method !== 'POST' || req.url !== REFRESH) return undefined;
      if (release === undefined) {
        return new Promise((resolve) => {
          release = resolve;
        });
      }
      release();
      release = undefined;
      armed = false;
      return undefined;
    },
  };
}

const errorOf = (result: PageResult) => ('body' in result ? result.body.error : result.rejected);

describeWithService('two tabs refreshing at once in cookie mode', findChromium(), (chromium) => {
  // Set in beforeAll, which also lists how to stop each; afterAll stops whatever got started, last first.
  let browser!: Browser;
  let appPages!: PageServer;
  const stops: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    appPages = await servePages((url) => (url.pathname === APP_PAGE ? BLANK : undefined));
    stops.push(() => appPages.close());
    browser = await launchChromium(chromium());
    stops.push(() => browser.close());
  });
  afterAll(async () => {
    for (const stop of stops.reverse()) await stop();
  });

  /** The API with these settings, and a fresh browser context with two tabs of the app, signed in once (tab one). */
  async function twoSignedInTabs(env: Record<string, string>) {
    const crossing = refreshCrossing();
    const api = await startCookieModeApi(appPages.origin, { env, beforeApp: crossing.hold });
    onTestFinished(() => api.stop());
    const registered = await fetch(`${api.url}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(account),
    });
    expect(registered.status).toBe(201);
    const context = await browser.newContext();
    onTestFinished(() => context.close());
    const tabs = [await context.newPage(), await context.newPage()];
    for (const tab of tabs) await tab.goto(`${appPages.origin}${APP_PAGE}`);
    const [first] = tabs;
    if (!first) throw new Error('no tab opened');
    const credentials = { email: account.email, password: account.password };
    expect(
      await pageFetch(first, `${api.url}/api/auth/login`, jsonPost(credentials)),
    ).toMatchObject({ status: 200 });

    const refresh = (tab: Page) => pageFetch(tab, `${api.url}${REFRESH}`, jsonPost({}));
    const profile = (tab: Page, accessToken: string | undefined) =>
      pageFetch(tab, `${api.url}/api/auth/profile`, {
        method: 'GET',
        headers: { Authorization: `Bearer ${accessToken ?? ''}` },
      });
    const audited = (event: string) => api.logs.events(event).length;
    /** The refresh cookies in the jar, by value. */
    const jar = async () =>
      (await context.cookies(`${api.url}${REFRESH}`))
        .filter((cookie) => cookie.name === api.refreshCookie)
        .map((cookie) => cookie.value);

    /** A tab's refresh, with the refresh cookie its answer set (read by the browser, not by the page). */
    async function refreshSeen(tab: Page) {
      const [answer, response] = await Promise.all([
        refresh(tab),
        tab.waitForResponse(
          (r) => r.url() === `${api.url}${REFRESH}` && r.request().method() === 'POST',
        ),
      ]);
      const setCookie = (await response.headerValue('set-cookie')) ?? '';
      return { answer, cookie: setCookie.split(';')[0]?.replace(`${api.refreshCookie}=`, '') };
    }

    /**
     * Both tabs refresh, met as `kind` says. Reports each tab's answer and the cookie it set, and how the server took
     * them (rotations and graced replays, from its audit log).
     */
    async function bothRefresh(kind: RoundKind) {
      const before = {
        rotated: audited('token.refresh'),
        graced: audited('token.refresh_in_grace'),
      };
      if (kind === 'crossing') crossing.arm();
      const seen = [];
      if (kind === 'in turn') for (const tab of tabs) seen.push(await refreshSeen(tab));
      else seen.push(...(await Promise.all(tabs.map(refreshSeen))));
      return {
        answers: seen.map(({ answer }) => answer),
        cookies: seen.map(({ cookie }) => cookie),
        rotated: audited('token.refresh') - before.rotated,
        graced: audited('token.refresh_in_grace') - before.graced,
      };
    }

    return { api, tabs, refresh, profile, audited, jar, bothRefresh };
  }

  it('when both tabs refresh at the same moment, round after round, then both get 200 every round, share one refresh cookie that still refreshes, and the session is never revoked', async () => {
    const { api, tabs, refresh, profile, audited, jar, bothRefresh } = await twoSignedInTabs({});
    const gracedRounds: string[] = [];

    for (const [index, kind] of ROUNDS.entries()) {
      const round = await bothRefresh(kind);

      expect(round.answers.map((answer) => 'status' in answer && answer.status)).toEqual([
        200, 200,
      ]);
      for (const [i, tab] of tabs.entries()) {
        expect(
          await profile(tab, accessTokenOf(round.answers[i] ?? { rejected: '' })),
        ).toMatchObject({ status: 200, body: { data: { user: { email: account.email } } } });
      }
      // Each refresh either rotated the token or was a graced replay of the rotation the other tab made.
      expect(round.rotated + round.graced).toBe(2);
      expect(round.rotated).toBeGreaterThanOrEqual(1);
      const cookies = await jar();
      expect(cookies).toHaveLength(1);
      if (round.graced > 0) {
        gracedRounds.push(`${kind} round ${String(index + 1)}`);
        // The replay was answered with the very successor the rotation stored: one cookie, byte for byte.
        expect(round.cookies[0]).toBe(round.cookies[1]);
        expect(cookies).toEqual([round.cookies[0]]);
      }
      if (kind === 'crossing') expect(round.graced).toBe(1);
      if (kind === 'in turn') {
        expect(round.graced).toBe(0);
        expect(cookies).toEqual([round.cookies[1]]);
      }
    }

    // The crossing rounds at least: a run where no round reached the grace would prove nothing about it.
    expect(gracedRounds.length).toBeGreaterThanOrEqual(
      ROUNDS.filter((kind) => kind === 'crossing').length,
    );
    expect(audited('token.reuse_detected')).toBe(0);
    expect(audited('session.revoked')).toBe(0);
    const [first, second] = tabs;
    if (!first || !second) throw new Error('no tabs');
    const last = await refresh(second);
    expect(last).toMatchObject({ status: 200 });
    const sessions = await pageFetch(first, `${api.url}/api/auth/sessions?include=revoked`, {
      method: 'GET',
      headers: { Authorization: `Bearer ${accessTokenOf(last) ?? ''}` },
    });
    expect(sessions).toMatchObject({
      status: 200,
      body: { data: { sessions: [{ current: true, revokedAt: null }] } },
    });
    expect(
      'body' in sessions && (sessions.body.data as { sessions: unknown[] }).sessions,
    ).toHaveLength(1);
  });

  it('when the grace is off (REFRESH_REUSE_GRACE_SECONDS=0) and both tabs refresh at the same moment, then one is refused as reuse and the user is signed out', async () => {
    const { tabs, refresh, profile, audited, bothRefresh } = await twoSignedInTabs({
      REFRESH_REUSE_GRACE_SECONDS: '0',
    });

    const round = await bothRefresh('crossing');

    const statuses = round.answers.map((answer) => 'status' in answer && answer.status);
    expect([...statuses].sort()).toEqual([200, 401]);
    const refused = round.answers.find((answer) => 'status' in answer && answer.status === 401);
    expect(errorOf(refused ?? { rejected: '' })).toBe(ErrorCodes.REFRESH_TOKEN_REUSED);
    expect(audited('token.reuse_detected')).toBe(1);
    const winner = statuses.indexOf(200);
    const winnerTab = tabs[winner];
    if (!winnerTab) throw new Error('no tab got 200');
    expect(
      errorOf(await profile(winnerTab, accessTokenOf(round.answers[winner] ?? { rejected: '' }))),
    ).toBe(ErrorCodes.SESSION_REVOKED);
    for (const tab of tabs) expect(await refresh(tab)).toMatchObject({ status: 401 });
  });
});
