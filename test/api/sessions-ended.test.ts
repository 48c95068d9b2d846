// GET /api/auth/sessions?include=revoked (DESIGN section 4): besides the live sessions, those ended in the last 7 days,
// with when and why, so an owner can see a session signed out for their security. Only on request, only their own.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors/error-catalogue.js';
import { logIn, registerAccount, type LoggedIn } from '../helpers/accounts.js';
import { authorized, expectError, logout, refresh } from '../helpers/api-calls.js';
import { decodePayload } from '../helpers/forged-tokens.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';

type App = TestApp['app'];

interface SessionView {
  id: string;
  userAgent: string | null;
  current: boolean;
  revokedAt?: string | null;
  revokedReason?: string | null;
}

const sessionIdOf = (login: LoggedIn) => decodePayload(login.accessToken).sid as string;

async function listSessions(app: App, accessToken: string, query = ''): Promise<SessionView[]> {
  const response = await authorized(app, 'get', `/api/auth/sessions${query}`, accessToken);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return (response.body as { data: { sessions: SessionView[] } }).data.sessions;
}

/** Ends the session as a thief's replay does: rotate, wait out the grace, present the old token again. */
async function endByReuse({ app, clock }: TestApp, login: LoggedIn) {
  await refresh(app, login.refreshToken).expect(200);
  clock.advance('11s');
  expectError(await refresh(app, login.refreshToken), ErrorCodes.REFRESH_TOKEN_REUSED);
}

const at = (testApp: TestApp) => new Date(testApp.clock.now()).toISOString();

describe('GET /api/auth/sessions?include=revoked', () => {
  it('when sessions have ended, then live ones come first and then the ended ones, most recently ended first, with when and why', async () => {
    const testApp = buildTestApp();
    const { app, clock } = testApp;
    const account = await registerAccount(app);
    const phone = await logIn(app, account, 'phone');
    const tablet = await logIn(app, account, 'tablet');
    const watch = await logIn(app, account, 'watch');
    clock.advance('1m');
    const laptop = await logIn(app, account, 'laptop');
    await logout(app, phone.refreshToken).expect(200);
    const phoneEndedAt = at(testApp);
    clock.advance('1m');
    await endByReuse(testApp, tablet);
    const tabletEndedAt = at(testApp);

    const sessions = await listSessions(app, laptop.accessToken, '?include=revoked');

    expect(sessions).toEqual([
      expect.objectContaining({
        id: sessionIdOf(laptop),
        current: true,
        revokedAt: null,
        revokedReason: null,
      }),
      expect.objectContaining({ id: sessionIdOf(watch), revokedAt: null, revokedReason: null }),
      expect.objectContaining({
        id: sessionIdOf(tablet),
        userAgent: 'tablet',
        current: false,
        revokedAt: tabletEndedAt,
        revokedReason: 'refresh_token_reused',
      }),
      expect.objectContaining({
        id: sessionIdOf(phone),
        userAgent: 'phone',
        current: false,
        revokedAt: phoneEndedAt,
        revokedReason: 'logout',
      }),
    ]);
  });

  it('when include is not asked for, then no ended session is listed and no session carries revoked fields', async () => {
    const { app } = buildTestApp();
    const account = await registerAccount(app);
    const phone = await logIn(app, account, 'phone');
    const laptop = await logIn(app, account, 'laptop');
    await logout(app, phone.refreshToken).expect(200);

    const sessions = await listSessions(app, laptop.accessToken);

    expect(sessions.map((session) => session.id)).toEqual([sessionIdOf(laptop)]);
    for (const session of sessions) {
      expect(session).not.toHaveProperty('revokedAt');
      expect(session).not.toHaveProperty('revokedReason');
    }
  });

  it('when a session ended more than 7 days ago, then it is no longer listed, while one ended within 7 days is', async () => {
    const testApp = buildTestApp();
    const { app, clock } = testApp;
    const account = await registerAccount(app);
    const old = await logIn(app, account, 'old');
    await logout(app, old.refreshToken).expect(200);
    clock.advance('1d');
    const recent = await logIn(app, account, 'recent');
    await logout(app, recent.refreshToken).expect(200);
    const recentEndedAt = at(testApp);
    clock.advance('6d');
    clock.advance('1s'); // the first logout is now 7 days and 1 second ago
    const caller = await logIn(app, account, 'caller');

    const sessions = await listSessions(app, caller.accessToken, '?include=revoked');

    expect(sessions.map((session) => [session.userAgent, session.revokedAt])).toEqual([
      ['caller', null],
      ['recent', recentEndedAt],
    ]);
  });

  it("when another user's sessions have ended, then they never appear in the caller's list", async () => {
    const testApp = buildTestApp();
    const { app } = testApp;
    const stranger = await registerAccount(app);
    const [loggedOut, reused] = [await logIn(app, stranger), await logIn(app, stranger)];
    await logout(app, loggedOut.refreshToken).expect(200);
    await endByReuse(testApp, reused);
    const caller = await logIn(app, await registerAccount(app), 'caller');

    const sessions = await listSessions(app, caller.accessToken, '?include=revoked');

    expect(sessions.map((session) => session.id)).toEqual([sessionIdOf(caller)]);
  });

  it.each([
    ['include=all', '?include=all'],
    ['include[]=revoked', '?include[]=revoked'],
    ['include twice', '?include=revoked&include=revoked'],
    ['an empty include', '?include='],
    ['another parameter beside it', '?include=revoked&userId=someone'],
  ])('when the query has %s, then 400 VALIDATION_ERROR', async (_, query) => {
    const { app } = buildTestApp();
    const caller = await logIn(app, await registerAccount(app));

    const response = await request(app)
      .get(`/api/auth/sessions${query}`)
      .set('Authorization', `Bearer ${caller.accessToken}`);

    expectError(response, ErrorCodes.VALIDATION_ERROR);
  });
});
