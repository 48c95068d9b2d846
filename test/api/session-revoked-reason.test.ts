// Why a session ended, as its client hears it (DESIGN section 4): every later call with the session's tokens gets
// SESSION_REVOKED with `reason`, the session's revokedReason, so a client can tell "signed out for your security" from
// "you signed out" and stop retrying. On Bearer routes the 401 also carries the RFC 6750 invalid_token challenge.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import type { RevocationReason } from '../../src/storage/ports/session-store.js';
import { ErrorCodes } from '../../src/errors/error-catalogue.js';
import { logIn, registerAccount, type Account, type LoggedIn } from '../helpers/accounts.js';
import { authorized, expectError, logout, profile, refresh } from '../helpers/api-calls.js';
import { decodePayload } from '../helpers/forged-tokens.js';
import {
  buildRecoveryTestApp,
  tokenFromMail,
  type RecoveryTestApp,
} from '../helpers/recovery-app.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';

type App = TestApp['app'];

const NEW_PASSWORD = 'Brand-new-kettle-9!';

const sessionIdOf = (login: LoggedIn) => decodePayload(login.accessToken).sid as string;

/** Every Bearer route and the refresh of `login`'s session answer SESSION_REVOKED with `reason`. */
async function expectEndedFor(app: App, login: LoggedIn, reason: RevocationReason) {
  const bearerCalls = [
    profile(app, login.accessToken),
    authorized(app, 'get', '/api/auth/sessions', login.accessToken),
  ];
  for (const answer of await Promise.all(bearerCalls)) {
    expectError(answer, ErrorCodes.SESSION_REVOKED);
    expect(answer.body).toMatchObject({ reason });
    expect(answer.headers['www-authenticate']).toMatch(/^Bearer .*error="invalid_token"/);
  }
  const refreshed = await refresh(app, login.refreshToken);
  expectError(refreshed, ErrorCodes.SESSION_REVOKED);
  expect(refreshed.body).toMatchObject({ reason });
}

/** Two sessions of one fresh account: the one that acts, and another device. */
async function twoSessions(
  app: App,
): Promise<{ account: Account; caller: LoggedIn; other: LoggedIn }> {
  const account = await registerAccount(app);
  return {
    account,
    caller: await logIn(app, account, 'laptop'),
    other: await logIn(app, account, 'phone'),
  };
}

describe('SESSION_REVOKED carries why the session ended', () => {
  it('when the session logged out, then its tokens get reason logout', async () => {
    const { app } = buildTestApp();
    const { caller, other } = await twoSessions(app);

    await logout(app, caller.refreshToken).expect(200);

    await expectEndedFor(app, caller, 'logout');
    expect((await profile(app, other.accessToken)).status).toBe(200);
  });

  it('when the user logged out everywhere, then every session gets reason logout_all', async () => {
    const { app } = buildTestApp();
    const { caller, other } = await twoSessions(app);

    await authorized(app, 'post', '/api/auth/logout-all', caller.accessToken).send({}).expect(200);

    await expectEndedFor(app, caller, 'logout_all');
    await expectEndedFor(app, other, 'logout_all');
  });

  it('when another device ended the session through DELETE /sessions/:id, then its tokens get reason logout', async () => {
    const { app } = buildTestApp();
    const { caller, other } = await twoSessions(app);

    await authorized(
      app,
      'delete',
      `/api/auth/sessions/${sessionIdOf(other)}`,
      caller.accessToken,
    ).expect(200);

    await expectEndedFor(app, other, 'logout');
    expect((await profile(app, caller.accessToken)).status).toBe(200);
  });

  it('when the password was changed, then the other sessions get reason password_changed and the caller stays', async () => {
    const { app } = buildTestApp();
    const { account, caller, other } = await twoSessions(app);
    const third = await logIn(app, account, 'tablet');

    await authorized(app, 'post', '/api/auth/change-password', caller.accessToken)
      .send({ currentPassword: account.password, newPassword: NEW_PASSWORD })
      .expect(200);

    await expectEndedFor(app, other, 'password_changed');
    await expectEndedFor(app, third, 'password_changed');
    expect((await profile(app, caller.accessToken)).status).toBe(200);
  });

  it('when the account was deleted, then its sessions get reason account_deleted', async () => {
    const { app } = buildTestApp();
    const { account, caller, other } = await twoSessions(app);

    await authorized(app, 'delete', '/api/auth/account', caller.accessToken)
      .send({ password: account.password })
      .expect(200);

    await expectEndedFor(app, caller, 'account_deleted');
    await expectEndedFor(app, other, 'account_deleted');
  });

  it('when the account is marked deleted but its sessions are not ended yet (the moment between the two), then they already get reason account_deleted', async () => {
    const { app, clock, stores } = buildTestApp();
    const { caller } = await twoSessions(app);

    await stores.users.softDeleteUser(caller.account.id, new Date(clock.now()));

    await expectEndedFor(app, caller, 'account_deleted');
  });

  it('when the password was reset through a mailed link, then every session gets reason password_reset', async () => {
    const testApp = await buildRecoveryTestApp();
    const { app } = testApp;
    const { account, caller, other } = await twoSessions(app);

    await request(app).post('/api/auth/password/forgot').send({ email: account.email }).expect(202);
    const token = tokenFromMail(
      await mailTo(testApp, account.email, 'Reset your password'),
      '/reset-password',
    );
    await request(app)
      .post('/api/auth/password/reset')
      .send({ token, newPassword: NEW_PASSWORD })
      .expect(200);

    await expectEndedFor(app, caller, 'password_reset');
    await expectEndedFor(app, other, 'password_reset');
  });

  it('when the address was changed through the link mailed to the new one, then every session gets reason email_changed', async () => {
    const testApp = await buildRecoveryTestApp();
    const { app } = testApp;
    const { account, caller, other } = await twoSessions(app);
    const newEmail = `moved-${account.id}@example.com`;

    await authorized(app, 'post', '/api/auth/email/change', caller.accessToken)
      .send({ newEmail, password: account.password })
      .expect(202);
    const link = await mailTo(testApp, newEmail, 'Confirm your new email address');
    await request(app)
      .post('/api/auth/email/change/confirm')
      .send({ token: tokenFromMail(link, '/confirm-email-change') })
      .expect(200);

    await expectEndedFor(app, caller, 'email_changed');
    await expectEndedFor(app, other, 'email_changed');
  });
});

/** Runs the outbox worker and returns the mail with `subject` that reached `address`. */
async function mailTo(testApp: RecoveryTestApp, address: string, subject: string) {
  await testApp.deliver();
  return testApp.receiver.waitForMail(
    (mail) => mail.subject === subject && mail.to.includes(address),
  );
}
