// Sign-in in two steps for an account with two-step sign-in: POST /api/auth/login answers only an mfaToken, and
// POST /api/auth/login/mfa finishes it with a code from the app (computed by otplib at the fake clock's time) or a
// recovery code. Every answer here is also held to the API document (test/setup/response-conformance.ts).
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors/error-catalogue.js';
import { logIn, registerAccount } from '../helpers/accounts.js';
import { authorized, expectError } from '../helpers/api-calls.js';
import {
  APP_ORIGIN,
  COOKIE_MODE_ENV,
  cookieCall,
  cookieOf,
  cookieValue,
} from '../helpers/cookie-mode-calls.js';
import { decodePayload } from '../helpers/forged-tokens.js';
import { nextTotpCode, passwordStep, totpCode, wrongTotpCode } from '../helpers/mfa-calls.js';
import {
  codeStep,
  enrolledAccount,
  passwordStepAnswer,
  recoveryCodeStep,
  signedInData,
  signInWithCode,
} from '../helpers/mfa-sign-in.js';
import { buildTestApp } from '../helpers/test-app.js';

const claimsOf = (accessToken: string) => jwt.decode(accessToken) as Record<string, unknown>;

describe('POST /api/auth/login for an account with two-step sign-in', () => {
  it('when the password is right, then only mfaRequired, an mfaToken, the methods and expiresIn come back: no token, no cookie', async () => {
    const { app, clock } = buildTestApp();
    const { account } = await enrolledAccount(app, clock);

    const answer = await passwordStepAnswer(app, account);

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      success: true,
      data: {
        mfaRequired: true,
        mfaToken: expect.stringMatching(/^mfa_[A-Za-z0-9_-]{43}$/) as string,
        methods: ['totp', 'recovery_code'],
        expiresIn: 300,
      },
    });
    expect(answer.headers['set-cookie']).toBeUndefined();
  });

  it('when a user without two-step sign-in logs in, then the tokens come at once with amr ["pwd"] and aal1', async () => {
    const { app } = buildTestApp();
    const login = await logIn(app, await registerAccount(app));

    expect(claimsOf(login.accessToken)).toMatchObject({ amr: ['pwd'], aal: 'aal1' });
    expect(login.refreshToken).toMatch(/^eyJ/);
  });
});

describe('POST /api/auth/login/mfa', () => {
  it("when the app's code follows the password, then the login body arrives with amr pwd+otp and aal2, and the new session is listed", async () => {
    const { app, clock } = buildTestApp();
    const { account, enrolled } = await enrolledAccount(app, clock);

    const answer = await signInWithCode(app, account, totpCode(enrolled.secret, clock));

    const data = signedInData(answer);
    expect(data).toMatchObject({ user: { id: account.id, email: account.email } });
    expect(data.refreshToken).toMatch(/^eyJ/);
    expect(claimsOf(data.accessToken)).toMatchObject({
      sub: account.id,
      amr: ['pwd', 'otp'],
      aal: 'aal2',
    });
    const listed = await authorized(app, 'get', '/api/auth/sessions', data.accessToken);
    const { sessions } = (listed.body as { data: { sessions: { id: string; current: boolean }[] } })
      .data;
    expect(sessions).toContainEqual(
      expect.objectContaining({ id: decodePayload(data.accessToken).sid, current: true }),
    );
    const refreshed = await request(app)
      .post('/api/auth/refresh')
      .send({ refreshToken: data.refreshToken });
    expect(
      claimsOf((refreshed.body as { data: { accessToken: string } }).data.accessToken),
    ).toMatchObject({ amr: ['pwd', 'otp'], aal: 'aal2' });
  });

  it('when a recovery code is typed in upper case without dashes, then it signs in once, and a second use is 401 MFA_CODE_INVALID', async () => {
    const { app, clock } = buildTestApp();
    const { account, enrolled } = await enrolledAccount(app, clock);
    const [code = ''] = enrolled.recoveryCodes;

    const first = await recoveryCodeStep(
      app,
      await passwordStep(app, account),
      code.replaceAll('-', '').toUpperCase(),
    );
    const again = await recoveryCodeStep(app, await passwordStep(app, account), code);

    expect(claimsOf(signedInData(first).accessToken)).toMatchObject({ aal: 'aal2' });
    expectError(again, ErrorCodes.MFA_CODE_INVALID);
  });

  it.each([
    ['one step before now', -30],
    ['one step after now', 30],
  ])('when the code is of %s, then it is accepted', async (_, offset) => {
    const { app, clock } = buildTestApp();
    const { account, enrolled } = await enrolledAccount(app, clock);
    clock.advance('2m'); // so that no step in reach was spent by the enrolment

    const answer = await signInWithCode(app, account, totpCode(enrolled.secret, clock, offset));

    expect(signedInData(answer).accessToken).toMatch(/^eyJ/);
  });

  it.each([
    ['two steps before now', -60],
    ['two steps after now', 60],
  ])('when the code is of %s, then 401 MFA_CODE_INVALID', async (_, offset) => {
    const { app, clock } = buildTestApp();
    const { account, enrolled } = await enrolledAccount(app, clock);
    clock.advance('2m');
    const code = totpCode(enrolled.secret, clock, offset);
    // Not by chance the code of a step in reach: then this would test nothing.
    expect([-30, 0, 30].map((near) => totpCode(enrolled.secret, clock, near))).not.toContain(code);

    expectError(await signInWithCode(app, account, code), ErrorCodes.MFA_CODE_INVALID);
  });

  it('when a code that signed in comes again with a new mfaToken, then 401 MFA_CODE_INVALID (a replay), logged as code_replayed', async () => {
    const { app, clock, logs } = buildTestApp();
    const { account, enrolled } = await enrolledAccount(app, clock);
    const code = totpCode(enrolled.secret, clock);

    expect((await signInWithCode(app, account, code)).status).toBe(200);
    const replay = await signInWithCode(app, account, code);

    expectError(replay, ErrorCodes.MFA_CODE_INVALID);
    expect(logs.events('mfa.failed')).toEqual([
      expect.objectContaining({ userId: account.id, reason: 'code_replayed' }),
    ]);
  });

  it('when a code of the next step was used, then the code of now (an earlier step) is refused', async () => {
    const { app, clock } = buildTestApp();
    const { account, enrolled } = await enrolledAccount(app, clock);

    expect((await signInWithCode(app, account, totpCode(enrolled.secret, clock, 30))).status).toBe(
      200,
    );
    const earlier = await signInWithCode(app, account, totpCode(enrolled.secret, clock));

    expectError(earlier, ErrorCodes.MFA_CODE_INVALID);
  });

  it('when MFA_TOKEN_TTL has passed, then the mfaToken is 401 MFA_TOKEN_INVALID; a second before, it works', async () => {
    const { app, clock } = buildTestApp();
    const { account, enrolled } = await enrolledAccount(app, clock);

    const inTime = await passwordStep(app, account);
    clock.advance('299s');
    expect((await codeStep(app, inTime, totpCode(enrolled.secret, clock))).status).toBe(200);
    const late = await passwordStep(app, account);
    clock.advance('300s');

    expectError(
      await codeStep(app, late, totpCode(enrolled.secret, clock)),
      ErrorCodes.MFA_TOKEN_INVALID,
    );
  });

  it('when an mfaToken already signed in, then it is 401 MFA_TOKEN_INVALID with the next right code', async () => {
    const { app, clock } = buildTestApp();
    const { account, enrolled } = await enrolledAccount(app, clock);
    const mfaToken = await passwordStep(app, account);
    expect((await codeStep(app, mfaToken, totpCode(enrolled.secret, clock))).status).toBe(200);
    clock.advance('30s');

    expectError(
      await codeStep(app, mfaToken, totpCode(enrolled.secret, clock)),
      ErrorCodes.MFA_TOKEN_INVALID,
    );
  });

  it('when an mfaToken took 5 wrong codes, then even the right code is 401 MFA_TOKEN_INVALID on it, and a new one works', async () => {
    const { app, clock } = buildTestApp();
    const { account, enrolled } = await enrolledAccount(app, clock);
    const mfaToken = await passwordStep(app, account);
    const wrong = wrongTotpCode(enrolled.secret, clock);

    for (let i = 0; i < 5; i += 1) {
      expectError(await codeStep(app, mfaToken, wrong), ErrorCodes.MFA_CODE_INVALID);
    }
    const right = totpCode(enrolled.secret, clock);

    expectError(await codeStep(app, mfaToken, right), ErrorCodes.MFA_TOKEN_INVALID);
    expect((await signInWithCode(app, account, right)).status).toBe(200);
  });

  it('when the password step presented a device token, then the sign-in returns it unchanged; without one, a new one', async () => {
    const { app, clock } = buildTestApp();
    const { account, enrolled, deviceToken } = await enrolledAccount(app, clock);
    const stepWith = await passwordStepAnswer(app, account, deviceToken);
    const { mfaToken } = (stepWith.body as { data: { mfaToken: string } }).data;

    const known = await codeStep(app, mfaToken, totpCode(enrolled.secret, clock));
    const fresh = await signInWithCode(app, account, nextTotpCode(enrolled.secret, clock));

    expect(signedInData(known).deviceToken).toBe(deviceToken);
    expect(signedInData(fresh).deviceToken).toMatch(/^dvc_[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{32}$/);
    expect(signedInData(fresh).deviceToken).not.toBe(deviceToken);
  });

  it('when in cookie mode, then the password step sets no cookie, and the code step puts the refresh token in its cookie, not the body', async () => {
    const { app, clock } = buildTestApp({ env: COOKIE_MODE_ENV });
    const { account, enrolled } = await enrolledAccount(app, clock);
    const step = await passwordStepAnswer(app, account).set('Origin', APP_ORIGIN);
    expect(step.headers['set-cookie']).toBeUndefined();
    const { mfaToken } = (step.body as { data: { mfaToken: string } }).data;

    const answer = await codeStep(app, mfaToken, totpCode(enrolled.secret, clock)).set(
      'Origin',
      APP_ORIGIN,
    );

    expect(signedInData(answer)).not.toHaveProperty('refreshToken');
    const cookie = cookieOf(answer);
    expect(cookie).toMatch(/^refresh_token=eyJ[\w-]+\.[\w-]+\.[\w-]+;/);
    expect(cookie).toContain('HttpOnly');
    const refreshed = await cookieCall(app, '/api/auth/refresh', cookieValue(cookie));
    expect(refreshed.status).toBe(200);
  });
});
