import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors/error-catalogue.js';
import { logIn, newAccountInput, registerAccount } from '../helpers/accounts.js';
import { authorized, expectError, profile, refresh } from '../helpers/api-calls.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';

const NEW_PASSWORD = 'Fresh-kettle-of-fish-7!';

const changePassword = (app: TestApp['app'], accessToken: string, body: object) =>
  authorized(app, 'post', '/api/auth/change-password', accessToken).send(body);
const deleteAccount = (app: TestApp['app'], accessToken: string, body: object) =>
  authorized(app, 'delete', '/api/auth/account', accessToken).send(body);
const login = (app: TestApp['app'], email: string, password: string) =>
  request(app).post('/api/auth/login').send({ email, password });

describe('POST /api/auth/change-password', () => {
  it('when the current password is right, then the new one works, the old does not, and only the caller stays signed in', async () => {
    const { app, logs } = buildTestApp();
    const account = await registerAccount(app);
    const caller = await logIn(app, account, 'laptop');
    const other = await logIn(app, account, 'phone');

    const response = await changePassword(app, caller.accessToken, {
      currentPassword: account.password,
      newPassword: NEW_PASSWORD,
    });

    expect(response.status).toBe(200);
    expect((await profile(app, caller.accessToken)).status).toBe(200);
    expect((await refresh(app, caller.refreshToken)).status).toBe(200);
    expectError(await profile(app, other.accessToken), ErrorCodes.SESSION_REVOKED);
    expectError(await login(app, account.email, account.password), ErrorCodes.INVALID_CREDENTIALS);
    expect((await login(app, account.email, NEW_PASSWORD)).status).toBe(200);
    expect(logs.events('password.changed')).toEqual([
      expect.objectContaining({ otherSessionsEnded: 1 }),
    ]);
    expect(logs.text).not.toContain(NEW_PASSWORD);
  });

  it('when the current password is wrong, then 403 PASSWORD_INCORRECT and nothing changes', async () => {
    const { app, writes } = buildTestApp();
    const account = await registerAccount(app);
    const caller = await logIn(app, account);
    const mark = writes.mark();

    const response = await changePassword(app, caller.accessToken, {
      currentPassword: 'Not-the-password-1!',
      newPassword: NEW_PASSWORD,
    });

    expectError(response, ErrorCodes.PASSWORD_INCORRECT);
    expect(response.headers['www-authenticate']).toBeUndefined();
    expect(writes.since(mark)).toEqual([]);
  });

  it("when wrong current passwords keep coming, then this session is locked (429) and the account's logins are not", async () => {
    const { app, logs } = buildTestApp({ env: { LOGIN_THROTTLE_FAILURES: '2' } });
    const account = await registerAccount(app);
    const caller = await logIn(app, account);
    const wrong = { currentPassword: 'Not-the-password-1!', newPassword: NEW_PASSWORD };
    expectError(
      await changePassword(app, caller.accessToken, wrong),
      ErrorCodes.PASSWORD_INCORRECT,
    );
    expectError(
      await changePassword(app, caller.accessToken, wrong),
      ErrorCodes.PASSWORD_INCORRECT,
    );

    const right = { currentPassword: account.password, newPassword: NEW_PASSWORD };
    const locked = await changePassword(app, caller.accessToken, right);

    expectError(locked, ErrorCodes.TOO_MANY_REQUESTS);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    expect(logs.events('reauth.lockout')).toHaveLength(1);
    expect((await login(app, account.email, account.password)).status).toBe(200);
  });

  it('when the account is locked by wrong logins from elsewhere, then a signed-in session still changes the password', async () => {
    const { app } = buildTestApp({ env: { LOGIN_THROTTLE_FAILURES: '2' } });
    const account = await registerAccount(app);
    const caller = await logIn(app, account);
    for (let i = 0; i < 3; i += 1) await login(app, account.email, 'Attacker-guess-1!');
    expectError(await login(app, account.email, account.password), ErrorCodes.INVALID_CREDENTIALS);

    const right = { currentPassword: account.password, newPassword: NEW_PASSWORD };

    expect((await changePassword(app, caller.accessToken, right)).status).toBe(200);
  });

  it.each([
    [
      'the same as the current one',
      (current: string) => current,
      'New password must differ from the current one.',
    ],
    ['too short', () => 'Ab1!', 'Password must be at least 8 characters.'],
    [
      'common',
      () => 'Password1!',
      'Password is too common or too easy to guess; choose a longer, less predictable one.',
    ],
  ])(
    'when the new password is %s, then 400 naming newPassword and nothing changes',
    async (_, make, message) => {
      const { app, writes } = buildTestApp();
      const account = await registerAccount(app);
      const caller = await logIn(app, account);
      const mark = writes.mark();

      const response = await changePassword(app, caller.accessToken, {
        currentPassword: account.password,
        newPassword: make(account.password),
      });

      expectError(response, ErrorCodes.VALIDATION_ERROR);
      expect((response.body as { details: unknown[] }).details).toContainEqual({
        path: 'newPassword',
        message,
      });
      expect(writes.since(mark)).toEqual([]);
    },
  );

  it('when the new password contains the email local part, then 400 (the account is known here, not in the body)', async () => {
    const { app } = buildTestApp();
    const account = await registerAccount(app, { email: 'marvin.minsky@example.com' });
    const caller = await logIn(app, account);

    const response = await changePassword(app, caller.accessToken, {
      currentPassword: account.password,
      newPassword: 'Marvin.Minsky-AI-1956!',
    });

    expectError(response, ErrorCodes.VALIDATION_ERROR);
  });

  it.each([
    ['a missing current password', { newPassword: NEW_PASSWORD }],
    ['an operator object', { currentPassword: { $ne: null }, newPassword: NEW_PASSWORD }],
    ['an unknown field', { currentPassword: 'x', newPassword: NEW_PASSWORD, userId: 'someone' }],
  ])('when the body has %s, then 400 and nothing changes', async (_, body) => {
    const { app, writes } = buildTestApp();
    const caller = await logIn(app, await registerAccount(app));
    const mark = writes.mark();

    expectError(await changePassword(app, caller.accessToken, body), ErrorCodes.VALIDATION_ERROR);
    expect(writes.since(mark)).toEqual([]);
  });
});

describe('DELETE /api/auth/account', () => {
  it('when the password is right, then the account is soft-deleted, every session ends, and the email is free again', async () => {
    const { app, clock, stores, writes } = buildTestApp();
    const account = await registerAccount(app);
    const caller = await logIn(app, account, 'laptop');
    const other = await logIn(app, account, 'phone');
    const mark = writes.mark();

    const response = await deleteAccount(app, caller.accessToken, { password: account.password });

    expect(response.status).toBe(200);
    expect(writes.since(mark)).toContainEqual({
      method: 'users.softDeleteUser',
      args: [account.id, new Date(clock.now())],
    });
    expect(await stores.users.findLiveUserByEmail(account.email)).toBeUndefined();
    for (const session of [caller, other]) {
      expectError(await profile(app, session.accessToken), ErrorCodes.SESSION_REVOKED);
      expectError(await refresh(app, session.refreshToken), ErrorCodes.SESSION_REVOKED);
    }
    expectError(await login(app, account.email, account.password), ErrorCodes.INVALID_CREDENTIALS);
    const again = await request(app)
      .post('/api/auth/register')
      .send(newAccountInput({ email: account.email }));
    expect(again.status).toBe(201);
    expect((again.body as { data: { user: { id: string } } }).data.user.id).not.toBe(account.id);
  });

  it('when the password is wrong, then 403 PASSWORD_INCORRECT and nothing changes', async () => {
    const { app, writes } = buildTestApp();
    const account = await registerAccount(app);
    const caller = await logIn(app, account);
    const mark = writes.mark();

    const response = await deleteAccount(app, caller.accessToken, {
      password: 'Not-the-password-1!',
    });

    expectError(response, ErrorCodes.PASSWORD_INCORRECT);
    expect(writes.since(mark)).toEqual([]);
  });

  it('when the request has no access token, then 401 and nothing changes', async () => {
    const { app, writes } = buildTestApp();
    const account = await registerAccount(app);
    const mark = writes.mark();

    const response = await request(app)
      .delete('/api/auth/account')
      .send({ password: account.password });

    expectError(response, ErrorCodes.TOKEN_MISSING);
    expect(writes.since(mark)).toEqual([]);
  });
});
