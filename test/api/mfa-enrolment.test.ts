// Turning two-step sign-in on: POST /api/auth/mfa/totp/setup and /confirm, and GET /api/auth/mfa.
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { registerAccount, logIn } from '../helpers/accounts.js';
import { expectError, profile } from '../helpers/api-calls.js';
import { confirmTotp, enrolTotp, mfaStatus, setupTotp, totpCode } from '../helpers/mfa-calls.js';
import { buildRecoveryTestApp } from '../helpers/recovery-app.js';
import { buildTestApp } from '../helpers/test-app.js';

describe('TOTP enrolment', () => {
  it('when a user sets up and confirms with the app code, then the factor is on, codes shown once, other sessions end, a notice is mailed', async () => {
    const testApp = await buildRecoveryTestApp();
    const { app, clock } = testApp;
    const account = await registerAccount(app);
    const here = await logIn(app, account);
    const elsewhere = await logIn(app, account, 'other-device');

    const setup = await setupTotp(app, here.accessToken, account.password);
    expect(setup.status).toBe(200);
    const { secret, otpauthUri, expiresIn } = (
      setup.body as { data: { secret: string; otpauthUri: string; expiresIn: number } }
    ).data;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const uri = new URL(otpauthUri);
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe(`/auth-api:${account.email}`);
    expect(uri.searchParams.get('secret')).toBe(secret);
    expect(uri.searchParams.get('issuer')).toBe('auth-api');
    expect(expiresIn).toBe(600);

    const confirm = await confirmTotp(app, here.accessToken, totpCode(secret, clock));
    expect(confirm.status, JSON.stringify(confirm.body)).toBe(200);
    const data = (
      confirm.body as {
        data: { recoveryCodes: string[]; accessToken: string; refreshToken: string };
      }
    ).data;
    expect(data.recoveryCodes).toHaveLength(10);
    expect(new Set(data.recoveryCodes).size).toBe(10);
    for (const code of data.recoveryCodes) expect(code).toMatch(/^[0-9a-z]{4}(-[0-9a-z]{4}){3}$/);
    expect(jwt.decode(data.accessToken)).toMatchObject({ amr: ['pwd', 'otp'], aal: 'aal2' });

    // Every session from before is over, the caller's included; the re-issued pair works.
    expectError(await profile(app, elsewhere.accessToken), 'SESSION_REVOKED');
    expectError(await profile(app, here.accessToken), 'SESSION_REVOKED');
    expect((await profile(app, data.accessToken)).status).toBe(200);
    const refreshed = await request(app)
      .post('/api/auth/refresh')
      .send({ refreshToken: data.refreshToken });
    expect(refreshed.status).toBe(200);
    expect(
      jwt.decode((refreshed.body as { data: { accessToken: string } }).data.accessToken),
    ).toMatchObject({ amr: ['pwd', 'otp'], aal: 'aal2' });

    const status = await mfaStatus(app, data.accessToken);
    expect(status.body).toEqual({
      success: true,
      data: {
        enabled: true,
        methods: ['totp', 'recovery_code'],
        enabledAt: new Date(clock.now()).toISOString(),
        recoveryCodesRemaining: 10,
        pendingSetup: false,
      },
    });
    expect(JSON.stringify(status.body)).not.toContain(secret);

    await testApp.deliver();
    const notice = await testApp.receiver.waitForMail(
      (mail) => mail.to.includes(account.email) && mail.subject === 'Two-step sign-in is on',
    );
    expect(notice.text).not.toContain(secret);
  });

  it('when the confirming code is wrong, then 401 MFA_CODE_INVALID and nothing is enabled', async () => {
    const { app, clock } = buildTestApp();
    const account = await registerAccount(app);
    const here = await logIn(app, account);
    const setup = await setupTotp(app, here.accessToken, account.password);
    const { secret } = (setup.body as { data: { secret: string } }).data;
    const wrong = String((Number(totpCode(secret, clock)) + 1) % 1_000_000).padStart(6, '0');

    expectError(await confirmTotp(app, here.accessToken, wrong), 'MFA_CODE_INVALID');
    const status = await mfaStatus(app, here.accessToken);
    expect(
      (status.body as { data: { enabled: boolean; pendingSetup: boolean } }).data,
    ).toMatchObject({
      enabled: false,
      pendingSetup: true,
    });
  });

  it('when the password is wrong, then 403 PASSWORD_INCORRECT and no setup is stored', async () => {
    const { app } = buildTestApp();
    const account = await registerAccount(app);
    const here = await logIn(app, account);

    expectError(
      await setupTotp(app, here.accessToken, 'Not-the-password-1!'),
      'PASSWORD_INCORRECT',
    );
    const status = await mfaStatus(app, here.accessToken);
    expect((status.body as { data: { pendingSetup: boolean } }).data.pendingSetup).toBe(false);
  });

  it('when no setup is pending, or it expired, then confirm is 404 MFA_SETUP_NOT_FOUND', async () => {
    const { app, clock } = buildTestApp();
    const account = await registerAccount(app);
    const here = await logIn(app, account);

    expectError(await confirmTotp(app, here.accessToken, '123456'), 'MFA_SETUP_NOT_FOUND');
    const setup = await setupTotp(app, here.accessToken, account.password);
    const { secret } = (setup.body as { data: { secret: string } }).data;
    clock.advance('10m');
    expectError(
      await confirmTotp(app, here.accessToken, totpCode(secret, clock)),
      'MFA_SETUP_NOT_FOUND',
    );
  });

  it('when two-step sign-in is already on, then setup and confirm are 409 MFA_ALREADY_ENABLED', async () => {
    const { app, clock } = buildTestApp();
    const account = await registerAccount(app);
    const enrolled = await enrolTotp(app, clock, account, (await logIn(app, account)).accessToken);

    expectError(
      await setupTotp(app, enrolled.accessToken, account.password),
      'MFA_ALREADY_ENABLED',
    );
    expectError(
      await confirmTotp(app, enrolled.accessToken, totpCode(enrolled.secret, clock)),
      'MFA_ALREADY_ENABLED',
    );
  });

  it('when a second setup replaces the first, then only the newer secret confirms', async () => {
    const { app, clock } = buildTestApp();
    const account = await registerAccount(app);
    const here = await logIn(app, account);
    const first = await setupTotp(app, here.accessToken, account.password);
    const second = await setupTotp(app, here.accessToken, account.password);
    const secretOf = (response: typeof first) =>
      (response.body as { data: { secret: string } }).data.secret;

    expectError(
      await confirmTotp(app, here.accessToken, totpCode(secretOf(first), clock)),
      'MFA_CODE_INVALID',
    );
    expect(
      (await confirmTotp(app, here.accessToken, totpCode(secretOf(second), clock))).status,
    ).toBe(200);
  });
});
