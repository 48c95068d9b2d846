// Cookie mode against cookies someone else put in the browser: a sibling subdomain (or a script on one) can set a
// cookie for the parent domain, which the browser then sends to us beside our own. The refresh cookie carries the
// `__Secure-` prefix wherever it is Secure, only that name is read, and two cookies of that name are refused.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { ErrorCodes } from '../../src/errors/error-catalogue.js';
import { newAccountInput, registerAccount } from '../helpers/accounts.js';
import { expectError, profile } from '../helpers/api-calls.js';
import {
  APP_ORIGIN,
  COOKIE_MODE_ENV,
  cookieCall,
  cookieOf,
  logInWithCookie,
  PLAIN_REFRESH_COOKIE,
} from '../helpers/cookie-mode-calls.js';
import { productionEnv } from '../helpers/production-env.js';
import { buildTestApp } from '../helpers/test-app.js';

const SECURE_REFRESH_COOKIE = '__Secure-refresh_token';
/** SameSite=None makes the cookie Secure outside production too. */
const SECURE_ENV = { ...COOKIE_MODE_ENV, REFRESH_COOKIE_SAMESITE: 'none' };

const accessTokenOf = (response: request.Response) =>
  (response.body as { data: { accessToken: string } }).data.accessToken;

/** The id of the account an access token belongs to, as the profile reports it. */
async function ownerOf(app: Parameters<typeof profile>[0], accessToken: string) {
  const response = await profile(app, accessToken);
  expect(response.status).toBe(200);
  return (response.body as { data: { user: { id: string } } }).data.user.id;
}

describe('cookie mode against planted cookies', () => {
  it('when production runs cookie mode, then login sets the refresh token as __Secure-refresh_token', async () => {
    const { app } = buildTestApp({ env: productionEnv(COOKIE_MODE_ENV) });
    // Over HTTPS, as the trusted proxy reports it: production answers nothing else.
    const overHttps = (path: string) =>
      request(app).post(path).set('X-Forwarded-Proto', 'https').set('Origin', APP_ORIGIN);
    const account = newAccountInput();
    expect((await overHttps('/api/auth/register').send(account)).status).toBe(201);

    const response = await overHttps('/api/auth/login').send({
      email: account.email,
      password: account.password,
    });

    expect(response.status).toBe(200);
    expect(cookieOf(response, SECURE_REFRESH_COOKIE)).toMatch(
      /^__Secure-refresh_token=eyJ[\w.-]+; Max-Age=\d+; Path=\/api\/auth; Expires=[^;]+; HttpOnly; Secure; SameSite=Strict$/,
    );
  });

  it('when the cookie is Secure and a plain refresh_token cookie is planted, then the planted one is never read', async () => {
    const { app, writes } = buildTestApp({ env: SECURE_ENV });
    const victim = await registerAccount(app);
    const attacker = await registerAccount(app);
    const ours = await logInWithCookie(app, victim, SECURE_REFRESH_COOKIE);
    const planted = (await logInWithCookie(app, attacker, SECURE_REFRESH_COOKIE)).cookie.replace(
      SECURE_REFRESH_COOKIE,
      PLAIN_REFRESH_COOKIE,
    );

    // Alone, the planted cookie is no refresh cookie at all, and nothing changes.
    const mark = writes.mark();
    expectError(
      await cookieCall(app, '/api/auth/refresh', planted),
      ErrorCodes.REFRESH_TOKEN_INVALID,
    );
    expect(writes.since(mark)).toEqual([]);

    // Beside ours, sent first (as a more specific path would be), it changes nothing: ours is the one refreshed.
    const refreshed = await cookieCall(app, '/api/auth/refresh', `${planted}; ${ours.cookie}`);
    expect(refreshed.status).toBe(200);
    expect(await ownerOf(app, accessTokenOf(refreshed))).toBe(victim.id);
  });

  describe.each([
    ['plain (development over HTTP)', COOKIE_MODE_ENV, PLAIN_REFRESH_COOKIE],
    ['Secure', SECURE_ENV, SECURE_REFRESH_COOKIE],
  ])('when the refresh cookie is %s', (_, env, name) => {
    it.each(['/api/auth/refresh', '/api/auth/logout'])(
      'and two cookies of its name arrive at %s, then 400 BAD_REQUEST saying so, no cookie is cleared and nothing changes',
      async (path) => {
        const { app, writes } = buildTestApp({ env });
        const victim = await registerAccount(app);
        const attacker = await registerAccount(app);
        const ours = await logInWithCookie(app, victim, name);
        const planted = await logInWithCookie(app, attacker, name);
        const mark = writes.mark();

        // Whichever comes first: neither order makes the pair readable.
        for (const pair of [
          `${planted.cookie}; ${ours.cookie}`,
          `${ours.cookie}; ${planted.cookie}`,
        ]) {
          const response = await cookieCall(app, path, pair);
          expectError(response, ErrorCodes.BAD_REQUEST);
          expect((response.body as { message: string }).message).toMatch(
            new RegExp(`^Two ${name} cookies arrived`),
          );
          expect(response.headers['set-cookie']).toBeUndefined();
        }

        expect(writes.since(mark)).toEqual([]);
        // Both sessions live on: ours still refreshes, and the access tokens still work.
        expect((await cookieCall(app, '/api/auth/refresh', ours.cookie)).status).toBe(200);
        expect((await profile(app, accessTokenOf(planted.response))).status).toBe(200);
      },
    );
  });

  it('when production is configured, then the refresh cookie is Secure: the prefix is never dropped there', () => {
    for (const sameSite of ['strict', 'lax', 'none']) {
      const { config } = loadConfig(
        productionEnv({ ...COOKIE_MODE_ENV, REFRESH_COOKIE_SAMESITE: sameSite }),
      );
      expect(config.refreshTokens.cookie.secure).toBe(true);
    }
  });
});
