// POST /api/auth/password/reset for an account with two-step sign-in: the mailbox alone is one factor, so the reset
// also takes a code of the second factor (`mfaCode`), and a missing or wrong code leaves the link good for another try.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { logIn, registerAccount, type Account } from '../helpers/accounts.js';
import { expectError } from '../helpers/api-calls.js';
import {
  enrolTotp,
  loginMfa,
  nextTotpCode,
  passwordStep,
  wrongTotpCode,
  type Enrolled,
} from '../helpers/mfa-calls.js';
import {
  buildRecoveryTestApp,
  tokenFromMail,
  type RecoveryTestApp,
} from '../helpers/recovery-app.js';

const NEW_PASSWORD = 'Brand-new-kettle-9!';

type App = RecoveryTestApp['app'];

const reset = (app: App, body: object) =>
  request(app)
    .post('/api/auth/password/reset')
    .send({ newPassword: NEW_PASSWORD, ...body });
const login = (app: App, email: string, password: string) =>
  request(app).post('/api/auth/login').send({ email, password });

/** Asks for a link for `account` and returns its token, read from the mail that arrived. */
async function resetLinkFor(testApp: RecoveryTestApp, account: Account): Promise<string> {
  const asked = await request(testApp.app)
    .post('/api/auth/password/forgot')
    .send({ email: account.email });
  expect(asked.status).toBe(202);
  await testApp.deliver();
  const mail = await testApp.receiver.waitForMail(
    (received) => received.to.includes(account.email) && received.subject === 'Reset your password',
  );
  return tokenFromMail(mail, '/reset-password');
}

/** An account with the factor on, and a reset link mailed to it. */
async function enrolledWithLink(testApp: RecoveryTestApp) {
  const account = await registerAccount(testApp.app);
  const here = await logIn(testApp.app, account);
  const enrolled: Enrolled = await enrolTotp(testApp.app, testApp.clock, account, here.accessToken);
  return { account, ...enrolled, token: await resetLinkFor(testApp, account) };
}

/** The password is unchanged: the old one still passes the password step. */
async function expectPasswordUnchanged(app: App, account: Account) {
  expect((await passwordStep(app, account)).startsWith('mfa_')).toBe(true);
  expectError(await login(app, account.email, NEW_PASSWORD), 'INVALID_CREDENTIALS');
}

describe('password reset of an account with two-step sign-in', () => {
  it('when no mfaCode is sent, then 401 MFA_REQUIRED, the password is unchanged and the link still works with a code', async () => {
    const testApp = await buildRecoveryTestApp();
    const { app, clock } = testApp;
    const { account, secret, token } = await enrolledWithLink(testApp);

    expectError(await reset(app, { token }), 'MFA_REQUIRED');
    await expectPasswordUnchanged(app, account);

    const answer = await reset(app, { token, mfaCode: nextTotpCode(secret, clock) });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  });

  it('when the mfaCode cannot be a code (letters, 7 digits, a number, an object), then 400 and nothing is spent', async () => {
    const testApp = await buildRecoveryTestApp();
    const { app, clock } = testApp;
    const { account, secret, token } = await enrolledWithLink(testApp);

    for (const mfaCode of ['12345a', '1234567', 123456, { $ne: null }, 'not-a-recovery-code']) {
      expectError(await reset(app, { token, mfaCode }), 'VALIDATION_ERROR');
    }
    await expectPasswordUnchanged(app, account);
    expect(testApp.logs.events('mfa.failed')).toEqual([]);
    const answer = await reset(app, { token, mfaCode: nextTotpCode(secret, clock) });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  });

  it('when the mfaCode is wrong, then 401 MFA_CODE_INVALID, the password is unchanged and the link still works', async () => {
    const testApp = await buildRecoveryTestApp();
    const { app, clock } = testApp;
    const { account, secret, token } = await enrolledWithLink(testApp);

    expectError(
      await reset(app, { token, mfaCode: wrongTotpCode(secret, clock) }),
      'MFA_CODE_INVALID',
    );
    expectError(await reset(app, { token, mfaCode: 'zzzz-zzzz-zzzz-zzzz' }), 'MFA_CODE_INVALID');
    await expectPasswordUnchanged(app, account);

    const answer = await reset(app, { token, mfaCode: nextTotpCode(secret, clock) });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  });

  it('when the right TOTP code is sent, then the new password signs in, and still asks for the second factor', async () => {
    const testApp = await buildRecoveryTestApp();
    const { app, clock } = testApp;
    const { account, secret, token } = await enrolledWithLink(testApp);

    const answer = await reset(app, { token, mfaCode: nextTotpCode(secret, clock) });

    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expectError(await login(app, account.email, account.password), 'INVALID_CREDENTIALS');
    const withNew = await login(app, account.email, NEW_PASSWORD);
    expect(withNew.status).toBe(200);
    const challenge = (withNew.body as { data: { mfaRequired?: boolean; mfaToken?: string } }).data;
    expect(challenge.mfaRequired).toBe(true);
    expect(withNew.body).not.toHaveProperty('data.accessToken');
    const finished = await loginMfa(app, {
      mfaToken: challenge.mfaToken,
      code: nextTotpCode(secret, clock),
    });
    expect(finished.status, JSON.stringify(finished.body)).toBe(200);
    expectError(
      await reset(app, { token, mfaCode: nextTotpCode(secret, clock) }),
      'RESET_TOKEN_INVALID',
    );
  });

  it('when a recovery code is sent, then the reset succeeds and that code is spent', async () => {
    const testApp = await buildRecoveryTestApp();
    const { app } = testApp;
    const { account, recoveryCodes, token } = await enrolledWithLink(testApp);

    const answer = await reset(app, { token, mfaCode: recoveryCodes[2] });

    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const renewed = { ...account, password: NEW_PASSWORD };
    expectError(
      await loginMfa(app, {
        mfaToken: await passwordStep(app, renewed),
        recoveryCode: recoveryCodes[2],
      }),
      'MFA_CODE_INVALID',
    );
    const other = await loginMfa(app, {
      mfaToken: await passwordStep(app, renewed),
      recoveryCode: recoveryCodes[5],
    });
    expect(other.status, JSON.stringify(other.body)).toBe(200);
    await testApp.deliver();
    await testApp.receiver.waitForMail(
      (mail) => mail.to.includes(account.email) && mail.subject === 'A recovery code was used',
    );
  });
});

describe('password reset of an account without two-step sign-in', () => {
  it('when no mfaCode is sent, then the reset works as before; a stray mfaCode is ignored', async () => {
    const testApp = await buildRecoveryTestApp();
    const { app } = testApp;
    const plain = await registerAccount(app);
    const other = await registerAccount(app);
    const plainToken = await resetLinkFor(testApp, plain);
    const otherToken = await resetLinkFor(testApp, other);

    expect((await reset(app, { token: plainToken })).status).toBe(200);
    expect((await reset(app, { token: otherToken, mfaCode: '123456' })).status).toBe(200);

    for (const account of [plain, other]) {
      const signedIn = await login(app, account.email, NEW_PASSWORD);
      expect(signedIn.status).toBe(200);
      expect(signedIn.body).toMatchObject({ data: { accessToken: expect.any(String) as unknown } });
    }
  });
});
