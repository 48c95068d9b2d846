// POST /api/auth/password/forgot and /password/reset, with mail really sent over SMTP to an in-process receiver.
import Database from 'better-sqlite3';
import request from 'supertest';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ErrorCodes } from '../../src/errors/error-catalogue.js';
import { logIn, registerAccount, type Account } from '../helpers/accounts.js';
import { expectError, profile } from '../helpers/api-calls.js';
import {
  buildRecoveryTestApp,
  expectExactlyOneUse,
  tokenFromMail,
  type RecoveryTestApp,
} from '../helpers/recovery-app.js';
import type { ReceivedMail } from '../helpers/smtp-receiver.js';

const NEW_PASSWORD = 'Brand-new-kettle-9!';

/** Reset mails only: every registration is also mailed a verification link. */
const isResetMail = (mail: ReceivedMail) => mail.subject === 'Reset your password';
const resetMails = (testApp: RecoveryTestApp) => testApp.receiver.mails.filter(isResetMail);

const forgot = (app: RecoveryTestApp['app'], email: string) =>
  request(app).post('/api/auth/password/forgot').send({ email });
const reset = (app: RecoveryTestApp['app'], token: unknown, newPassword: unknown = NEW_PASSWORD) =>
  request(app).post('/api/auth/password/reset').send({ token, newPassword });
const login = (app: RecoveryTestApp['app'], email: string, password: string) =>
  request(app).post('/api/auth/login').send({ email, password });

/** Asks for a link for `account` and returns its token, read from the mail that arrived. */
async function resetLinkFor(testApp: RecoveryTestApp, account: Account): Promise<string> {
  expect((await forgot(testApp.app, account.email)).status).toBe(202);
  await testApp.deliver();
  const mail = await testApp.receiver.waitForMail(
    (received) => received.to.includes(account.email) && isResetMail(received),
  );
  return tokenFromMail(mail, '/reset-password');
}

describe('password reset', () => {
  it('when an account asks for a reset, then a link on APP_URL arrives, and it sets the password and ends every session', async () => {
    const testApp = await buildRecoveryTestApp();
    const account = await registerAccount(testApp.app);
    const session = await logIn(testApp.app, account);

    const token = await resetLinkFor(testApp, account);
    const answer = await reset(testApp.app, token);

    expect(answer.status).toBe(200);
    expect(token).toMatch(/^rst_[A-Za-z0-9_-]{43}$/);
    expect(resetMails(testApp)[0]?.text).toContain(
      `${testApp.config.mail.appUrl}/reset-password#token=${token}`,
    );
    expectError(
      await login(testApp.app, account.email, account.password),
      ErrorCodes.INVALID_CREDENTIALS,
    );
    expect((await login(testApp.app, account.email, NEW_PASSWORD)).status).toBe(200);
    expectError(await profile(testApp.app, session.accessToken), ErrorCodes.SESSION_REVOKED);
    await testApp.deliver();
    await testApp.receiver.waitForMail((mail) => mail.subject === 'Your password was changed');
  });

  it('when known, unknown, deleted and cooled-down addresses ask, then every answer is the same', async () => {
    const testApp = await buildRecoveryTestApp();
    const known = await registerAccount(testApp.app);
    const deleted = await registerAccount(testApp.app);
    const caller = await logIn(testApp.app, deleted);
    await request(testApp.app)
      .delete('/api/auth/account')
      .set('Authorization', `Bearer ${caller.accessToken}`)
      .send({ password: deleted.password })
      .expect(200);
    await forgot(testApp.app, known.email);

    const answers = await Promise.all(
      [known.email, 'nobody@example.com', deleted.email, known.email.toUpperCase()].map((email) =>
        forgot(testApp.app, email),
      ),
    );

    const shapes = answers.map((answer) => ({
      status: answer.status,
      body: answer.body as unknown,
      headers: Object.keys(answer.headers).sort(),
    }));
    expect(new Set(shapes.map((shape) => JSON.stringify(shape))).size).toBe(1);
    expect(shapes[0]?.status).toBe(202);
    await testApp.deliver();
    expect(resetMails(testApp).map((mail) => mail.to)).toEqual([[known.email]]);
  });

  it('when a link is used twice, or by 20 requests at once, then exactly one reset succeeds', async () => {
    // A budget above the burst: only the token can be what refuses.
    const testApp = await buildRecoveryTestApp({ env: { RATE_LIMIT_LOGIN: '100' } });
    const account = await registerAccount(testApp.app);
    const token = await resetLinkFor(testApp, account);

    await expectExactlyOneUse(20, () => reset(testApp.app, token), ErrorCodes.RESET_TOKEN_INVALID);

    expectError(await reset(testApp.app, token), ErrorCodes.RESET_TOKEN_INVALID);
  });

  it('when the link has expired, then it is refused and the password is unchanged', async () => {
    const testApp = await buildRecoveryTestApp();
    const account = await registerAccount(testApp.app);
    const token = await resetLinkFor(testApp, account);

    testApp.clock.advance('30m');

    expectError(await reset(testApp.app, token), ErrorCodes.RESET_TOKEN_INVALID);
    expect((await login(testApp.app, account.email, account.password)).status).toBe(200);
  });

  it('when a newer link was asked for, then the older one is refused and the newer works', async () => {
    const testApp = await buildRecoveryTestApp();
    const account = await registerAccount(testApp.app);
    const older = await resetLinkFor(testApp, account);
    testApp.clock.advance('61s');
    testApp.receiver.mails.length = 0;
    const newer = await resetLinkFor(testApp, account);

    expectError(await reset(testApp.app, older), ErrorCodes.RESET_TOKEN_INVALID);
    expect((await reset(testApp.app, newer)).status).toBe(200);
  });

  it('when ten requests for one address arrive at once, then all are answered alike and exactly one link is mailed', async () => {
    // A per-IP budget above the burst: only the per-address cooldown can be what holds the mail back.
    const testApp = await buildRecoveryTestApp({ env: { RATE_LIMIT_FORGOT: '100' } });
    const account = await registerAccount(testApp.app);

    const answers = await Promise.all(
      Array.from({ length: 10 }, () => forgot(testApp.app, account.email)),
    );
    await testApp.deliver();

    expect(new Set(answers.map((answer) => `${String(answer.status)} ${answer.text}`)).size).toBe(
      1,
    );
    expect(resetMails(testApp)).toHaveLength(1);
  });

  it('when a second request comes within a minute, then it is answered alike and no second mail goes', async () => {
    const testApp = await buildRecoveryTestApp();
    const account = await registerAccount(testApp.app);
    await resetLinkFor(testApp, account);

    expect((await forgot(testApp.app, account.email)).status).toBe(202);
    await testApp.deliver();

    expect(resetMails(testApp)).toHaveLength(1);
  });

  it.each([
    ['a token of another purpose', `vfy_${'A'.repeat(43)}`],
    ['a made-up reset token', `rst_${'A'.repeat(43)}`],
    ['a token without its prefix', 'A'.repeat(43)],
    ['an empty token', ''],
  ])('when the token is %s, then 400 RESET_TOKEN_INVALID', async (_, token) => {
    const testApp = await buildRecoveryTestApp();

    expectError(await reset(testApp.app, token), ErrorCodes.RESET_TOKEN_INVALID);
  });

  it.each([
    ['a number', { token: 42, newPassword: NEW_PASSWORD }],
    ['an operator object', { token: { $ne: '' }, newPassword: NEW_PASSWORD }],
    [
      'an unknown field',
      { token: `rst_${'A'.repeat(43)}`, newPassword: NEW_PASSWORD, userId: 'x' },
    ],
  ])('when the body has %s, then 400 VALIDATION_ERROR', async (_, body) => {
    const testApp = await buildRecoveryTestApp();

    const answer = await request(testApp.app).post('/api/auth/password/reset').send(body);

    expectError(answer, ErrorCodes.VALIDATION_ERROR);
  });

  it('when the new password breaks the policy, then 400 and the link still works afterwards', async () => {
    const testApp = await buildRecoveryTestApp();
    const account = await registerAccount(testApp.app);
    const token = await resetLinkFor(testApp, account);

    expectError(await reset(testApp.app, token, 'short'), ErrorCodes.VALIDATION_ERROR);

    expect((await reset(testApp.app, token)).status).toBe(200);
  });

  it('when the request names another Host or X-Forwarded-Host, then the link still points at APP_URL', async () => {
    const testApp = await buildRecoveryTestApp({ env: { TRUST_PROXY: '1' } });
    const account = await registerAccount(testApp.app);

    await request(testApp.app)
      .post('/api/auth/password/forgot')
      .set('Host', 'evil.example')
      .set('X-Forwarded-Host', 'evil.example')
      .send({ email: account.email })
      .expect(202);
    await testApp.deliver();

    const mail = await testApp.receiver.waitForMail(isResetMail);
    expect(mail.text).toContain(`${testApp.config.mail.appUrl}/reset-password#token=`);
    expect(mail.text).not.toContain('evil.example');
  });

  it('when GET asks for the reset path, then 405 and the link is not consumed', async () => {
    const testApp = await buildRecoveryTestApp();
    const account = await registerAccount(testApp.app);
    const token = await resetLinkFor(testApp, account);

    expect((await request(testApp.app).get(`/api/auth/password/reset?token=${token}`)).status).toBe(
      405,
    );

    expect((await reset(testApp.app, token)).status).toBe(200);
  });

  it('when the account was locked by wrong logins, then a reset lifts the lock', async () => {
    const testApp = await buildRecoveryTestApp({ env: { LOGIN_THROTTLE_FAILURES: '2' } });
    const account = await registerAccount(testApp.app);
    for (let i = 0; i < 3; i += 1) await login(testApp.app, account.email, 'Attacker-guess-1!');
    const token = await resetLinkFor(testApp, account);

    expect((await reset(testApp.app, token)).status).toBe(200);

    expect((await login(testApp.app, account.email, NEW_PASSWORD)).status).toBe(200);
  });

  it('when mail and links pass through, then no raw token or address reaches the logs or the database in clear', async () => {
    const db = new Database(':memory:');
    onTestFinished(() => {
      db.close();
    });
    const testApp = await buildRecoveryTestApp({ db });
    const account = await registerAccount(testApp.app);
    const sealedRows = () =>
      db
        .prepare<[], { kind: string; sealed: string }>(
          'SELECT kind, sealed FROM mail_outbox WHERE sealed IS NOT NULL ORDER BY kind',
        )
        .all();
    await forgot(testApp.app, account.email);
    const requests = sealedRows();
    // The mail server down for one run: the mails composed from the requests wait in the outbox, sealed.
    testApp.receiver.refuseConnections();
    await testApp.deliver();
    const composed = sealedRows();
    testApp.receiver.accept();
    testApp.clock.advance(`${String(testApp.config.mail.retryDelayMs / 1000)}s`);
    await testApp.deliver();
    const token = tokenFromMail(await testApp.receiver.waitForMail(isResetMail), '/reset-password');

    await reset(testApp.app, token);

    const tables = ['one_time_tokens', 'mail_outbox'].map((table) =>
      JSON.stringify(db.prepare(`SELECT * FROM ${table}`).all()),
    );
    // The registration's and the reset's requests, then the mails composed from them.
    expect(requests.map((row) => row.kind)).toEqual(['mail_request', 'mail_request']);
    expect(composed.map((row) => row.kind)).toEqual(['email_verify', 'password_reset']);
    const sealed = JSON.stringify([...requests, ...composed]);
    for (const text of [...tables, sealed, testApp.logs.text]) {
      expect(text).not.toContain(token.slice(4));
    }
    expect(sealed).not.toContain(account.email);
    const [asked] = testApp.logs.events('password.forgot');
    expect(asked).toMatchObject({ email: account.email });
    // Whether a link went is not known when the request is answered: the worker's line says it.
    expect(asked).not.toHaveProperty('sent');
    expect(testApp.logs.lines).toContainEqual(
      expect.objectContaining({
        msg: 'mail request handed on',
        purpose: 'password_reset',
        userId: account.id,
        outcome: 'composed',
      }),
    );
    expect(testApp.logs.events('password.reset')).toHaveLength(1);
  });

  it('when the mail server is down, then the request is answered at once and the mail goes when it is back', async () => {
    const testApp = await buildRecoveryTestApp();
    const account = await registerAccount(testApp.app);
    testApp.receiver.refuseConnections();

    expect((await forgot(testApp.app, account.email)).status).toBe(202);
    await testApp.deliver();
    expect(testApp.receiver.mails).toHaveLength(0);

    testApp.receiver.accept();
    testApp.clock.advance(`${String(testApp.config.mail.retryDelayMs / 1000)}s`);
    await testApp.deliver();
    const token = tokenFromMail(await testApp.receiver.waitForMail(isResetMail), '/reset-password');
    expect((await reset(testApp.app, token)).status).toBe(200);
  });
});
