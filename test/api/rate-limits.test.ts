import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors/error-catalogue.js';
import { newAccountInput, registerAndLogIn } from '../helpers/accounts.js';
import { expectError, logout, profile, refresh } from '../helpers/api-calls.js';
import { buildTestApp } from '../helpers/test-app.js';

const login = (app: ReturnType<typeof buildTestApp>['app'], forwardedFor?: string) => {
  const call = request(app).post('/api/auth/login');
  if (forwardedFor !== undefined) call.set('X-Forwarded-For', forwardedFor);
  return call.send({ email: 'nobody@example.com', password: 'Wrong-pass-1!' });
};

describe('per-IP rate limits', () => {
  it('when an IP exceeds RATE_LIMIT_LOGIN, then 429 TOO_MANY_REQUESTS with Retry-After and RateLimit headers', async () => {
    const { app } = buildTestApp({ env: { RATE_LIMIT_LOGIN: '3' } });

    const allowed = [await login(app), await login(app), await login(app)];
    const refused = await login(app);

    expect(allowed.map((response) => response.status)).toEqual([401, 401, 401]);
    expect(allowed[2]?.headers.ratelimit).toMatch(/^"login"; r=0; t=\d+$/);
    expectError(refused, ErrorCodes.TOO_MANY_REQUESTS);
    expect(refused.body).toEqual({
      success: false,
      message: 'Too many requests; try again later.',
      error: ErrorCodes.TOO_MANY_REQUESTS,
    });
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(14 * 60);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect(refused.headers['ratelimit-policy']).toMatch(/^"login"; q=3; w=900; pk=:[^:]+:$/);
  });

  it('when the window has passed, then the IP may try again', async () => {
    const { app, clock } = buildTestApp({ env: { RATE_LIMIT_LOGIN: '1' } });
    await login(app);
    expectError(await login(app), ErrorCodes.TOO_MANY_REQUESTS);

    clock.advance('15m');

    expect((await login(app)).status).toBe(401);
  });

  it('when a refused registration is rate-limited, then nothing is stored', async () => {
    const { app, writes } = buildTestApp({ env: { RATE_LIMIT_REGISTER: '1' } });
    await request(app).post('/api/auth/register').send(newAccountInput()).expect(201);
    const mark = writes.mark();

    const refused = await request(app).post('/api/auth/register').send(newAccountInput());

    expectError(refused, ErrorCodes.TOO_MANY_REQUESTS);
    expect(writes.since(mark)).toEqual([]);
  });

  it('when refresh and logout are called, then they draw on one shared budget', async () => {
    const { app } = buildTestApp({ env: { RATE_LIMIT_REFRESH: '2' } });
    const session = await registerAndLogIn(app);

    await refresh(app, 'not-a-token').expect(401);
    await logout(app, 'not-a-token').expect(401);

    expectError(await refresh(app, session.refreshToken), ErrorCodes.TOO_MANY_REQUESTS);
    expectError(await logout(app, session.refreshToken), ErrorCodes.TOO_MANY_REQUESTS);
  });

  it('when protected routes are called past RATE_LIMIT_API, then 429, while the auth budgets are untouched', async () => {
    const { app } = buildTestApp({ env: { RATE_LIMIT_API: '2' } });
    const session = await registerAndLogIn(app);

    await profile(app, session.accessToken).expect(200);
    await profile(app, session.accessToken).expect(200);

    expectError(await profile(app, session.accessToken), ErrorCodes.TOO_MANY_REQUESTS);
    expect((await refresh(app, session.refreshToken)).status).toBe(200);
  });

  it('when no proxy is trusted, then changing X-Forwarded-For does not buy a new budget', async () => {
    const { app } = buildTestApp({ env: { RATE_LIMIT_LOGIN: '2' } });

    await login(app, '198.51.100.1');
    await login(app, '198.51.100.2');

    expectError(await login(app, '198.51.100.3'), ErrorCodes.TOO_MANY_REQUESTS);
  });

  it('when one proxy hop is trusted, then each forwarded client IP has its own budget', async () => {
    const { app } = buildTestApp({ env: { RATE_LIMIT_LOGIN: '1', TRUST_PROXY: '1' } });

    expect((await login(app, '198.51.100.1')).status).toBe(401);
    expect((await login(app, '198.51.100.2')).status).toBe(401);

    expectError(await login(app, '198.51.100.1'), ErrorCodes.TOO_MANY_REQUESTS);
  });

  it('when IPv6 clients share a /56, then they share a budget (one subscriber, many addresses)', async () => {
    const { app } = buildTestApp({ env: { RATE_LIMIT_LOGIN: '1', TRUST_PROXY: '1' } });

    await login(app, '2001:db8:1:100::1');

    expectError(await login(app, '2001:db8:1:1ff::2'), ErrorCodes.TOO_MANY_REQUESTS);
    expect((await login(app, '2001:db8:2::1')).status).toBe(401);
  });
});
