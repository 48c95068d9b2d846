import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors/error-catalogue.js';
import { logIn, registerAccount, registerAndLogIn } from '../helpers/accounts.js';
import { expectError, logout, profile, refresh } from '../helpers/api-calls.js';
import { decodePayload, resigned, withAlgNone } from '../helpers/forged-tokens.js';
import { buildTestApp, TEST_SECRETS } from '../helpers/test-app.js';

describe('POST /api/auth/logout', () => {
  it("when the refresh token is live, then 200 and the session's tokens stop working at once", async () => {
    const { app, clock, writes, logs } = buildTestApp();
    const login = await registerAndLogIn(app);
    const mark = writes.mark();

    const response = await logout(app, login.refreshToken);

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ success: true, message: 'Logged out.', data: {} });
    expectError(await refresh(app, login.refreshToken), ErrorCodes.SESSION_REVOKED);
    expectError(await profile(app, login.accessToken), ErrorCodes.SESSION_REVOKED);
    expect(writes.since(mark)).toEqual([
      {
        method: 'sessions.revokeSession',
        args: [decodePayload(login.refreshToken).sid, 'logout', new Date(clock.now())],
      },
    ]);
    expect(logs.events('logout')[0]).toMatchObject({
      userId: login.account.id,
      alreadyEnded: false,
    });
  });

  it('when the user has another session, then logging out one leaves the other working', async () => {
    const { app } = buildTestApp();
    const account = await registerAccount(app);
    const phone = await logIn(app, account, 'phone');
    const laptop = await logIn(app, account, 'laptop');

    await logout(app, phone.refreshToken).expect(200);

    expect((await profile(app, laptop.accessToken)).status).toBe(200);
    expect((await refresh(app, laptop.refreshToken)).status).toBe(200);
  });

  it('when the same token logs out twice, then both answer 200 and the session stays ended', async () => {
    const { app, logs } = buildTestApp();
    const login = await registerAndLogIn(app);

    await logout(app, login.refreshToken).expect(200);
    await logout(app, login.refreshToken).expect(200);

    expect(logs.events('logout').map((line) => line.alreadyEnded)).toEqual([false, true]);
    expectError(await refresh(app, login.refreshToken), ErrorCodes.SESSION_REVOKED);
  });

  it('when the token was rotated before the grace, then it counts as reuse: 401 and the session ends', async () => {
    const { app, clock, logs } = buildTestApp();
    const login = await registerAndLogIn(app);
    const rotated = (await refresh(app, login.refreshToken)).body as {
      data: { refreshToken: string; accessToken: string };
    };
    clock.advance('11s');

    expectError(await logout(app, login.refreshToken), ErrorCodes.REFRESH_TOKEN_REUSED);

    expect(logs.events('token.reuse_detected')).toHaveLength(1);
    expectError(await refresh(app, rotated.data.refreshToken), ErrorCodes.SESSION_REVOKED);
    expectError(await profile(app, rotated.data.accessToken), ErrorCodes.SESSION_REVOKED);
  });

  it('when another tab just rotated the token, then logging out with it ends the session as a logout, not as theft', async () => {
    const { app, clock, logs } = buildTestApp();
    const login = await registerAndLogIn(app);
    const rotated = (await refresh(app, login.refreshToken)).body as {
      data: { refreshToken: string; accessToken: string };
    };
    clock.advance('5s');

    await logout(app, login.refreshToken).expect(200);

    expect(logs.events('token.reuse_detected')).toHaveLength(0);
    const revoked = await profile(app, rotated.data.accessToken);
    expectError(revoked, ErrorCodes.SESSION_REVOKED);
    expect((revoked.body as { reason?: string }).reason).toBe('logout');
  });

  it('when the refresh token has expired, then 401 REFRESH_TOKEN_EXPIRED and nothing changes', async () => {
    const { app, clock, writes } = buildTestApp();
    const login = await registerAndLogIn(app);
    clock.advance('8d');
    const mark = writes.mark();

    expectError(await logout(app, login.refreshToken), ErrorCodes.REFRESH_TOKEN_EXPIRED);
    expect(writes.since(mark)).toEqual([]);
  });

  it.each([
    ['garbage', () => 'garbage'],
    ['an alg "none" token', (token: string) => withAlgNone(token)],
    ['the access token', (_: string, access: string) => access],
    [
      'a token signed with the access secret',
      (token: string) => resigned(token, TEST_SECRETS.JWT_ACCESS_SECRET),
    ],
    [
      'a validly signed token the store never issued',
      (token: string) => resigned(token, TEST_SECRETS.JWT_REFRESH_SECRET, 'HS256', { jti: 'x' }),
    ],
  ])('when presented %s, then 401 REFRESH_TOKEN_INVALID and nothing changes', async (_, forge) => {
    const { app, writes } = buildTestApp();
    const login = await registerAndLogIn(app);
    const mark = writes.mark();

    const response = await logout(app, forge(login.refreshToken, login.accessToken));

    expectError(response, ErrorCodes.REFRESH_TOKEN_INVALID);
    expect(writes.since(mark)).toEqual([]);
    expect((await profile(app, login.accessToken)).status).toBe(200);
  });
});
