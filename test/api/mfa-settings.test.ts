// What an account does with its second factor once it is on: GET /api/auth/mfa, POST /mfa/totp/disable and
// POST /mfa/recovery-codes/regenerate. Each change takes the password and a code; each is mailed to the owner.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { logIn, registerAccount, type Account } from '../helpers/accounts.js';
import { authorized, expectError, profile } from '../helpers/api-calls.js';
import { decodePayload } from '../helpers/forged-tokens.js';
import {
  disableTotp,
  enrolTotp,
  loginMfa,
  mfaStatus,
  nextTotpCode,
  passwordStep,
  regenerateRecoveryCodes,
  wrongTotpCode,
  type Enrolled,
} from '../helpers/mfa-calls.js';
import { buildRecoveryTestApp } from '../helpers/recovery-app.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';

type App = TestApp['app'];

interface StatusBody {
  enabled: boolean;
  methods: string[];
  enabledAt: string | null;
  recoveryCodesRemaining: number;
  pendingSetup: boolean;
}

interface SessionView {
  id: string;
  current: boolean;
  revokedReason?: string | null;
}

const statusOf = async (app: App, accessToken: string) => {
  const response = await mfaStatus(app, accessToken);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response;
};

/** A registered account with the factor on, signed in once (the enrolling session). */
async function enrolledAccount(testApp: TestApp): Promise<{ account: Account } & Enrolled> {
  const account = await registerAccount(testApp.app);
  const here = await logIn(testApp.app, account);
  return { account, ...(await enrolTotp(testApp.app, testApp.clock, account, here.accessToken)) };
}

/** A second sign-in of an MFA account (another device), finished with the next TOTP code. */
async function signInWithTotp(testApp: TestApp, account: Account, secret: string) {
  const mfaToken = await passwordStep(testApp.app, account);
  const answer = await loginMfa(testApp.app, {
    mfaToken,
    code: nextTotpCode(secret, testApp.clock),
  });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return (answer.body as { data: { accessToken: string; refreshToken: string } }).data;
}

const isEnabled = async (app: App, accessToken: string) =>
  ((await statusOf(app, accessToken)).body as { data: StatusBody }).data.enabled;

describe('GET /api/auth/mfa', () => {
  it('when the factor is off, then the status says so with no methods and no codes', async () => {
    const { app } = buildTestApp();
    const account = await registerAccount(app);
    const here = await logIn(app, account);

    expect((await statusOf(app, here.accessToken)).body).toEqual({
      success: true,
      data: {
        enabled: false,
        methods: [],
        enabledAt: null,
        recoveryCodesRemaining: 0,
        pendingSetup: false,
      },
    });
  });

  it('when a recovery code signs in, then the count drops to 9 and no answer shows the secret or a code', async () => {
    const testApp = buildTestApp();
    const { app } = testApp;
    const { account, secret, recoveryCodes, accessToken } = await enrolledAccount(testApp);
    const before = await statusOf(app, accessToken);
    const mfaToken = await passwordStep(app, account);
    const used = await loginMfa(app, { mfaToken, recoveryCode: recoveryCodes[3] });
    expect(used.status, JSON.stringify(used.body)).toBe(200);

    const after = await statusOf(app, accessToken);

    expect((before.body as { data: StatusBody }).data.recoveryCodesRemaining).toBe(10);
    expect((after.body as { data: StatusBody }).data).toMatchObject({
      enabled: true,
      recoveryCodesRemaining: 9,
    });
    for (const text of [before.text, after.text]) {
      expect(text).not.toContain(secret);
      expect(text.toLowerCase()).not.toContain(secret.toLowerCase());
      for (const code of recoveryCodes) expect(text).not.toContain(code);
    }
  });
});

describe('POST /api/auth/mfa/totp/disable', () => {
  it('when the password or the code is wrong or missing, then the answer names which, and the factor stays on', async () => {
    const testApp = buildTestApp();
    const { app, clock } = testApp;
    const { account, secret, accessToken } = await enrolledAccount(testApp);

    expectError(
      await disableTotp(app, accessToken, {
        password: 'Not-the-password-1!',
        code: nextTotpCode(secret, clock),
      }),
      'PASSWORD_INCORRECT',
    );
    expectError(
      await disableTotp(app, accessToken, {
        password: account.password,
        code: wrongTotpCode(secret, clock),
      }),
      'MFA_CODE_INVALID',
    );
    expectError(
      await disableTotp(app, accessToken, {
        password: account.password,
        recoveryCode: 'zzzz-zzzz-zzzz-zzzz',
      }),
      'MFA_CODE_INVALID',
    );
    expectError(
      await disableTotp(app, accessToken, { password: account.password }),
      'VALIDATION_ERROR',
    );
    expectError(
      await disableTotp(app, accessToken, { code: nextTotpCode(secret, clock) }),
      'VALIDATION_ERROR',
    );
    expect(await isEnabled(app, accessToken)).toBe(true);
  });

  it('when password and code are right, then other sessions end as mfa_disabled, the caller stays, a notice is mailed and login needs no code', async () => {
    const testApp = await buildRecoveryTestApp();
    const { app, clock } = testApp;
    const { account, secret, accessToken } = await enrolledAccount(testApp);
    const other = await signInWithTotp(testApp, account, secret);

    const answer = await disableTotp(app, accessToken, {
      password: account.password,
      code: nextTotpCode(secret, clock),
    });

    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expectError(await profile(app, other.accessToken), 'SESSION_REVOKED');
    expect((await profile(app, accessToken)).status).toBe(200);
    const listed = await authorized(app, 'get', '/api/auth/sessions?include=revoked', accessToken);
    const sessions = (listed.body as { data: { sessions: SessionView[] } }).data.sessions;
    expect(sessions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          id: decodePayload(accessToken).sid,
          current: true,
          revokedReason: null,
        }),
        expect.objectContaining({
          id: decodePayload(other.accessToken).sid,
          current: false,
          revokedReason: 'mfa_disabled',
        }),
      ]),
    );
    expect((await statusOf(app, accessToken)).body).toMatchObject({
      data: { enabled: false, methods: [], recoveryCodesRemaining: 0 },
    });
    const login = await request(app)
      .post('/api/auth/login')
      .send({ email: account.email, password: account.password });
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ data: { accessToken: expect.any(String) as unknown } });
    expect(login.body).not.toHaveProperty('data.mfaToken');
    await testApp.deliver();
    const notice = await testApp.receiver.waitForMail(
      (mail) =>
        mail.to.includes(account.email) && mail.subject === 'Two-step sign-in was turned off',
    );
    expect(notice.text).not.toContain(secret);
  });

  it('when a recovery code is given with the password, then the factor is turned off too', async () => {
    const testApp = buildTestApp();
    const { app } = testApp;
    const { account, recoveryCodes, accessToken } = await enrolledAccount(testApp);

    const answer = await disableTotp(app, accessToken, {
      password: account.password,
      recoveryCode: recoveryCodes[0]?.toUpperCase(),
    });

    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(await isEnabled(app, accessToken)).toBe(false);
  });
});

describe('POST /api/auth/mfa/recovery-codes/regenerate', () => {
  it('when password or code is wrong, then nothing changes: the old codes still sign in', async () => {
    const testApp = buildTestApp();
    const { app, clock } = testApp;
    const { account, secret, recoveryCodes, accessToken } = await enrolledAccount(testApp);

    expectError(
      await regenerateRecoveryCodes(app, accessToken, {
        password: 'Not-the-password-1!',
        code: nextTotpCode(secret, clock),
      }),
      'PASSWORD_INCORRECT',
    );
    expectError(
      await regenerateRecoveryCodes(app, accessToken, {
        password: account.password,
        code: wrongTotpCode(secret, clock),
      }),
      'MFA_CODE_INVALID',
    );
    expectError(
      await regenerateRecoveryCodes(app, accessToken, { password: account.password }),
      'VALIDATION_ERROR',
    );
    const mfaToken = await passwordStep(app, account);
    expect((await loginMfa(app, { mfaToken, recoveryCode: recoveryCodes[0] })).status).toBe(200);
  });

  it('when password and code are right, then ten new codes work, the old ones do not, and a notice is mailed', async () => {
    const testApp = await buildRecoveryTestApp();
    const { app, clock } = testApp;
    const { account, secret, recoveryCodes: old, accessToken } = await enrolledAccount(testApp);

    const answer = await regenerateRecoveryCodes(app, accessToken, {
      password: account.password,
      code: nextTotpCode(secret, clock),
    });

    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const fresh = (answer.body as { data: { recoveryCodes: string[] } }).data.recoveryCodes;
    expect(fresh).toHaveLength(10);
    expect(new Set(fresh).size).toBe(10);
    expect(fresh.filter((code) => old.includes(code))).toEqual([]);
    expect((await statusOf(app, accessToken)).body).toMatchObject({
      data: { recoveryCodesRemaining: 10 },
    });
    const oldAttempt = await loginMfa(app, {
      mfaToken: await passwordStep(app, account),
      recoveryCode: old[1],
    });
    expectError(oldAttempt, 'MFA_CODE_INVALID');
    const newAttempt = await loginMfa(app, {
      mfaToken: await passwordStep(app, account),
      recoveryCode: fresh[1],
    });
    expect(newAttempt.status, JSON.stringify(newAttempt.body)).toBe(200);
    await testApp.deliver();
    const notice = await testApp.receiver.waitForMail(
      (mail) => mail.to.includes(account.email) && mail.subject === 'New recovery codes were made',
    );
    for (const code of fresh) expect(notice.text).not.toContain(code);
  });
});

describe('without two-step sign-in', () => {
  it('when disable or regenerate is asked with the right password and a code, then 404 MFA_SETUP_NOT_FOUND', async () => {
    const { app } = buildTestApp();
    const account = await registerAccount(app);
    const here = await logIn(app, account);
    const body = { password: account.password, code: '123456' };

    expectError(await disableTotp(app, here.accessToken, body), 'MFA_SETUP_NOT_FOUND');
    expectError(await regenerateRecoveryCodes(app, here.accessToken, body), 'MFA_SETUP_NOT_FOUND');
    expect(await isEnabled(app, here.accessToken)).toBe(false);
  });
});
