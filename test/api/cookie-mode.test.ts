import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { ErrorCodes } from '../../src/errors/error-catalogue.js';
import { registerAccount } from '../helpers/accounts.js';
import { expectError, profile } from '../helpers/api-calls.js';
import {
  APP_ORIGIN,
  COOKIE_MODE_ENV,
  cookieCall,
  cookieOf,
  cookieValue,
  logInWithCookie,
} from '../helpers/cookie-mode-calls.js';
import { productionEnv } from '../helpers/production-env.js';
import { buildTestApp } from '../helpers/test-app.js';

const env = COOKIE_MODE_ENV;

describe('cookie mode (REFRESH_TOKEN_TRANSPORT=cookie)', () => {
  it('when a user logs in, then the refresh token is in an HttpOnly, SameSite=Strict cookie on /api/auth and not in the body', async () => {
    const { app } = buildTestApp({ env });
    const account = await registerAccount(app);

    const { response } = await logInWithCookie(app, account);

    const data = (response.body as { data: Record<string, unknown> }).data;
    expect(data).not.toHaveProperty('refreshToken');
    expect(data).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, refreshExpiresIn: 604_800 });
    const cookie = cookieOf(response);
    expect(cookie).toMatch(/^refresh_token=eyJ[\w-]+\.[\w-]+\.[\w-]+;/);
    expect(cookie).toContain('Max-Age=604800');
    expect(cookie).toContain('Path=/api/auth');
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).not.toContain('Secure');
    expect(response.headers['access-control-allow-credentials']).toBe('true');
    expect(response.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
  });

  it('when an allowed page refreshes with the cookie, then a new pair arrives and the cookie is replaced', async () => {
    const { app } = buildTestApp({ env });
    const { cookie } = await logInWithCookie(app, await registerAccount(app));

    const response = await cookieCall(app, '/api/auth/refresh', cookie);

    expect(response.status).toBe(200);
    const data = (response.body as { data: { accessToken: string } }).data;
    expect(data).not.toHaveProperty('refreshToken');
    expect((await profile(app, data.accessToken)).status).toBe(200);
    expect(cookieValue(cookieOf(response))).not.toBe(cookie);
  });

  it.each([
    ['no X-Requested-With', { 'X-Requested-With': undefined }],
    ['another X-Requested-With', { 'X-Requested-With': 'fetch' }],
    ['an origin not allowed', { Origin: 'https://evil.example' }],
    ['no Origin', { Origin: undefined }],
    ['an origin that only starts like the allowed one', { Origin: `${APP_ORIGIN}.evil.example` }],
  ])(
    'when the refresh has %s, then 403 CSRF_CHECK_FAILED and nothing changes',
    async (_, change) => {
      const { app, writes } = buildTestApp({ env });
      const { cookie } = await logInWithCookie(app, await registerAccount(app));
      const mark = writes.mark();

      for (const path of ['/api/auth/refresh', '/api/auth/logout']) {
        expectError(await cookieCall(app, path, cookie, change), ErrorCodes.CSRF_CHECK_FAILED);
      }
      expect(writes.since(mark)).toEqual([]);
    },
  );

  it("when the request comes from the API's own origin, then the cookie works without listing it", async () => {
    const { app } = buildTestApp({ env: { REFRESH_TOKEN_TRANSPORT: 'cookie' } });
    const account = await registerAccount(app);
    const login = await request(app)
      .post('/api/auth/login')
      .send({ email: account.email, password: account.password });
    const cookie = cookieValue(cookieOf(login));

    const response = await cookieCall(app, '/api/auth/refresh', cookie, {
      Host: 'auth.example.test',
      Origin: 'http://auth.example.test',
    });

    expect(response.status).toBe(200);
  });

  it('when a cross-site form posts (text/plain, no custom header), then it can neither refresh nor log out', async () => {
    const { app, writes } = buildTestApp({ env });
    const { cookie } = await logInWithCookie(app, await registerAccount(app));
    const mark = writes.mark();

    for (const path of ['/api/auth/refresh', '/api/auth/logout']) {
      const response = await request(app)
        .post(path)
        .set('Origin', 'https://evil.example')
        .set('Cookie', cookie)
        .set('Content-Type', 'text/plain')
        .send('x=1');
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
    }
    expect(writes.since(mark)).toEqual([]);
  });

  it('when the body carries a refreshToken in cookie mode, then 400: the cookie is the only way in', async () => {
    const { app } = buildTestApp({ env });
    const { cookie } = await logInWithCookie(app, await registerAccount(app));

    const response = await request(app)
      .post('/api/auth/refresh')
      .set('Origin', APP_ORIGIN)
      .set('X-Requested-With', 'XMLHttpRequest')
      .set('Cookie', cookie)
      .send({ refreshToken: 'x' });

    expectError(response, ErrorCodes.VALIDATION_ERROR);
  });

  it('when there is no cookie, then 401 REFRESH_TOKEN_INVALID', async () => {
    const { app } = buildTestApp({ env });

    expectError(await cookieCall(app, '/api/auth/refresh', ''), ErrorCodes.REFRESH_TOKEN_INVALID);
  });

  it('when the user logs out, then the cookie is cleared and the session ends', async () => {
    const { app } = buildTestApp({ env });
    const { cookie, response: login } = await logInWithCookie(app, await registerAccount(app));

    const response = await cookieCall(app, '/api/auth/logout', cookie);

    expect(response.status).toBe(200);
    expect(cookieOf(response)).toMatch(
      /^refresh_token=; Path=\/api\/auth; Expires=Thu, 01 Jan 1970/,
    );
    const accessToken = (login.body as { data: { accessToken: string } }).data.accessToken;
    expectError(await profile(app, accessToken), ErrorCodes.SESSION_REVOKED);
    expectError(await cookieCall(app, '/api/auth/refresh', cookie), ErrorCodes.SESSION_REVOKED);
  });

  it('when a refresh is refused, then the useless cookie is cleared', async () => {
    const { app, clock } = buildTestApp({ env });
    const { cookie } = await logInWithCookie(app, await registerAccount(app));
    await cookieCall(app, '/api/auth/refresh', cookie);
    // Past the reuse grace: the old cookie is now a replay.
    clock.advance('11s');

    const replay = await cookieCall(app, '/api/auth/refresh', cookie);

    expectError(replay, ErrorCodes.REFRESH_TOKEN_REUSED);
    expect(cookieOf(replay)).toMatch(/^refresh_token=;/);
  });

  it('when SameSite=None is chosen, then the cookie is Secure, and so __Secure- prefixed, even outside production', async () => {
    const { app } = buildTestApp({ env: { ...env, REFRESH_COOKIE_SAMESITE: 'none' } });

    const { response } = await logInWithCookie(
      app,
      await registerAccount(app),
      '__Secure-refresh_token',
    );

    const cookie = cookieOf(response, '__Secure-refresh_token');
    expect(cookie).toMatch(/SameSite=None/);
    expect(cookie).toContain('Secure');
  });

  it('when production uses cookie mode, then the cookie is Secure; and a wildcard origin is refused in any environment', () => {
    const production = loadConfig(productionEnv(env)).config;
    expect(production.refreshTokens.cookie).toEqual({ sameSite: 'strict', secure: true });
    expect(() =>
      loadConfig({ NODE_ENV: 'test', REFRESH_TOKEN_TRANSPORT: 'cookie', CORS_ORIGINS: '*' }),
    ).toThrow(ConfigError);
  });
});
