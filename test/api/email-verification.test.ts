// Email verification: the link mailed at registration (over SMTP, to an in-process receiver), POST
// /api/auth/email/verify, POST /api/auth/email/verify/resend, and REQUIRE_EMAIL_VERIFICATION at login.
import Database from 'better-sqlite3';
import request from 'supertest';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ErrorCodes } from '../../src/errors/error-catalogue.js';
import { logIn, registerAccount, type Account } from '../helpers/accounts.js';
import { expectError, profile, refresh } from '../helpers/api-calls.js';
import { decodePayload } from '../helpers/forged-tokens.js';
import {
  buildRecoveryTestApp,
  expectExactlyOneUse,
  tokenFromMail,
  type RecoveryTestApp,
} from '../helpers/recovery-app.js';

const SUBJECT = 'Verify your email address';

const verify = (app: RecoveryTestApp['app'], token: unknown) =>
  request(app).post('/api/auth/email/verify').send({ token });
const resend = (app: RecoveryTestApp['app'], body: object, accessToken?: string) => {
  const call = request(app).post('/api/auth/email/verify/resend');
  return (accessToken ? call.set('Authorization', `Bearer ${accessToken}`) : call).send(body);
};
const login = (app: RecoveryTestApp['app'], email: string, password: string) =>
  request(app).post('/api/auth/login').send({ email, password });

/** The token of the newest verification mail to `account`, after running the outbox. */
async function verificationTokenFor(testApp: RecoveryTestApp, account: Account): Promise<string> {
  await testApp.deliver();
  const mails = testApp.receiver.mails.filter(
    (mail) => mail.to.includes(account.email) && mail.subject === SUBJECT,
  );
  const newest = mails.at(-1);
  if (!newest) throw new Error(`no verification mail to ${account.email}`);
  return tokenFromMail(newest, '/verify-email');
}

const emailVerifiedClaim = (accessToken: string) => decodePayload(accessToken).email_verified;

describe('email verification', () => {
  it('when an account registers, then a link on APP_URL arrives, and opening it verifies the address for the user and later tokens', async () => {
    const testApp = await buildRecoveryTestApp();
    const account = await registerAccount(testApp.app);
    const session = await logIn(testApp.app, account);

    const token = await verificationTokenFor(testApp, account);
    const answer = await verify(testApp.app, token);

    expect(token).toMatch(/^vfy_[A-Za-z0-9_-]{43}$/);
    expect(testApp.receiver.mails[0]?.text).toContain(
      `${testApp.config.mail.appUrl}/verify-email#token=${token}`,
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      success: true,
      data: { user: { id: account.id, email: account.email, emailVerified: true } },
    });
    expect(emailVerifiedClaim(session.accessToken)).toBe(false);
    const profileAnswer = await profile(testApp.app, session.accessToken);
    expect(profileAnswer.body).toMatchObject({ data: { user: { emailVerified: true } } });
    const pair = await refresh(testApp.app, session.refreshToken);
    expect(
      emailVerifiedClaim((pair.body as { data: { accessToken: string } }).data.accessToken),
    ).toBe(true);
    expect(emailVerifiedClaim((await logIn(testApp.app, account)).accessToken)).toBe(true);
    expect(testApp.logs.events('email.verified')).toEqual([
      expect.objectContaining({ userId: account.id }),
    ]);
  });

  it('when a link is opened twice, or by 20 requests at once, then exactly one succeeds', async () => {
    const testApp = await buildRecoveryTestApp({ env: { RATE_LIMIT_LOGIN: '100' } });
    const account = await registerAccount(testApp.app);
    const token = await verificationTokenFor(testApp, account);

    await expectExactlyOneUse(
      20,
      () => verify(testApp.app, token),
      ErrorCodes.VERIFY_TOKEN_INVALID,
    );

    expectError(await verify(testApp.app, token), ErrorCodes.VERIFY_TOKEN_INVALID);
    expect(testApp.logs.events('email.verified')).toHaveLength(1);
  });

  it('when the link has expired, then it is refused and the address stays unverified', async () => {
    const testApp = await buildRecoveryTestApp();
    const account = await registerAccount(testApp.app);
    const token = await verificationTokenFor(testApp, account);

    testApp.clock.advance('24h');

    expectError(await verify(testApp.app, token), ErrorCodes.VERIFY_TOKEN_INVALID);
    expect((await testApp.stores.users.findLiveUserByEmail(account.email))?.emailVerified).toBe(
      false,
    );
  });

  it('when another link was asked for, then the older one is refused and the newer works', async () => {
    const testApp = await buildRecoveryTestApp();
    const account = await registerAccount(testApp.app);
    const older = await verificationTokenFor(testApp, account);
    testApp.clock.advance('61s');

    expect((await resend(testApp.app, { email: account.email })).status).toBe(202);
    const newer = await verificationTokenFor(testApp, account);

    expect(newer).not.toBe(older);
    expectError(await verify(testApp.app, older), ErrorCodes.VERIFY_TOKEN_INVALID);
    expect((await verify(testApp.app, newer)).status).toBe(200);
  });

  it('when a live reset token is presented for verification, then it is refused and still resets the password', async () => {
    const testApp = await buildRecoveryTestApp();
    const account = await registerAccount(testApp.app);
    await request(testApp.app).post('/api/auth/password/forgot').send({ email: account.email });
    await testApp.deliver();
    const resetToken = tokenFromMail(
      await testApp.receiver.waitForMail((mail) => mail.subject === 'Reset your password'),
      '/reset-password',
    );

    expectError(await verify(testApp.app, resetToken), ErrorCodes.VERIFY_TOKEN_INVALID);

    const reset = await request(testApp.app)
      .post('/api/auth/password/reset')
      .send({ token: resetToken, newPassword: 'Brand-new-kettle-9!' });
    expect(reset.status).toBe(200);
  });

  it.each([
    ['a change token', `chg_${'A'.repeat(43)}`],
    ['a made-up verification token', `vfy_${'A'.repeat(43)}`],
    ['a token without its prefix', 'A'.repeat(43)],
    ['an empty token', ''],
  ])('when the token is %s, then 400 VERIFY_TOKEN_INVALID', async (_, token) => {
    const testApp = await buildRecoveryTestApp();

    expectError(await verify(testApp.app, token), ErrorCodes.VERIFY_TOKEN_INVALID);
  });

  it('when unverified, unknown, verified and cooled-down addresses and signed-in callers ask again, then every answer is the same', async () => {
    // A per-IP budget above the six requests: only what the service does may differ.
    const testApp = await buildRecoveryTestApp({ env: { RATE_LIMIT_FORGOT: '20' } });
    const [unverified, verified, signedIn] = [
      await registerAccount(testApp.app),
      await registerAccount(testApp.app),
      await registerAccount(testApp.app),
    ];
    await verify(testApp.app, await verificationTokenFor(testApp, verified));
    const [callerOf, verifiedCaller] = [
      await logIn(testApp.app, signedIn),
      await logIn(testApp.app, verified),
    ];
    testApp.clock.advance('61s');
    testApp.receiver.mails.length = 0;

    const answers = [
      await resend(testApp.app, { email: unverified.email }),
      await resend(testApp.app, { email: 'nobody@example.com' }),
      await resend(testApp.app, { email: verified.email }),
      await resend(testApp.app, { email: unverified.email.toUpperCase() }),
      await resend(testApp.app, {}, callerOf.accessToken),
      await resend(testApp.app, {}, verifiedCaller.accessToken),
    ];

    const shapes = answers.map((answer) => ({
      status: answer.status,
      body: answer.body as unknown,
      headers: Object.keys(answer.headers).sort(),
    }));
    expect(new Set(shapes.map((shape) => JSON.stringify(shape))).size).toBe(1);
    expect(shapes[0]?.status).toBe(202);
    await testApp.deliver();
    // Sent in parallel: in any order.
    expect(testApp.receiver.mails.flatMap((mail) => mail.to).sort()).toEqual(
      [unverified.email, signedIn.email].sort(),
    );
  });

  it.each([
    ['an access token and an email', true, { email: 'someone@example.com' }],
    ['neither an access token nor an email', false, {}],
  ])('when a resend names %s, then 400 VALIDATION_ERROR', async (_, withToken, body) => {
    const testApp = await buildRecoveryTestApp();
    const caller = await logIn(testApp.app, await registerAccount(testApp.app));

    const answer = await resend(testApp.app, body, withToken ? caller.accessToken : undefined);

    expectError(answer, ErrorCodes.VALIDATION_ERROR);
  });

  it('when a resend carries an invalid access token, then 401 TOKEN_INVALID with a challenge', async () => {
    const testApp = await buildRecoveryTestApp();

    const answer = await resend(testApp.app, {}, 'not-a-token');

    expectError(answer, ErrorCodes.TOKEN_INVALID);
    expect(answer.headers['www-authenticate']).toMatch(/^Bearer .*error="invalid_token"/);
  });

  it('when links pass through, then no raw token reaches the logs or the database', async () => {
    const db = new Database(':memory:');
    onTestFinished(() => {
      db.close();
    });
    const testApp = await buildRecoveryTestApp({ db });
    const account = await registerAccount(testApp.app);
    const token = await verificationTokenFor(testApp, account);

    await verify(testApp.app, token);

    const tables = ['one_time_tokens', 'mail_outbox'].map((table) =>
      JSON.stringify(db.prepare(`SELECT * FROM ${table}`).all()),
    );
    for (const text of [...tables, testApp.logs.text]) {
      expect(text).not.toContain(token.slice(4));
    }
  });
});

describe('REQUIRE_EMAIL_VERIFICATION', () => {
  it('when an unverified account signs in, then the right password gets 403 and a wrong one 401, and after verifying it signs in', async () => {
    const testApp = await buildRecoveryTestApp({ env: { REQUIRE_EMAIL_VERIFICATION: 'true' } });
    const account = await registerAccount(testApp.app);

    expectError(
      await login(testApp.app, account.email, 'Wrong-password-1!'),
      ErrorCodes.INVALID_CREDENTIALS,
    );
    expectError(
      await login(testApp.app, 'nobody@example.com', account.password),
      ErrorCodes.INVALID_CREDENTIALS,
    );
    expectError(
      await login(testApp.app, account.email, account.password),
      ErrorCodes.EMAIL_NOT_VERIFIED,
    );
    expect(testApp.logs.events('login.failure').map((event) => event.reason)).toEqual([
      'wrong_password',
      'unknown_email',
      'email_not_verified',
    ]);

    await verify(testApp.app, await verificationTokenFor(testApp, account));

    const answer = await login(testApp.app, account.email, account.password);
    expect(answer.status).toBe(200);
    expect(
      emailVerifiedClaim((answer.body as { data: { accessToken: string } }).data.accessToken),
    ).toBe(true);
  });

  it('when the setting is off, then an unverified account signs in with email_verified: false', async () => {
    const testApp = await buildRecoveryTestApp();
    const account = await registerAccount(testApp.app);

    const answer = await login(testApp.app, account.email, account.password);

    expect(answer.status).toBe(200);
    expect(
      emailVerifiedClaim((answer.body as { data: { accessToken: string } }).data.accessToken),
    ).toBe(false);
  });
});
