// POST /api/auth/email/change and /email/change/confirm, with mail really sent over SMTP to an in-process receiver:
// the link goes to the new address, the notice to the old one.
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

type App = RecoveryTestApp['app'];

const isLinkMail = (mail: ReceivedMail) => mail.subject === 'Confirm your new email address';
const isNotice = (mail: ReceivedMail) => mail.subject === 'Your email address was changed';

const changeEmail = (app: App, accessToken: string, newEmail: string, password: string) =>
  request(app)
    .post('/api/auth/email/change')
    .set('Authorization', `Bearer ${accessToken}`)
    .send({ newEmail, password });
const confirm = (app: App, token: unknown, accessToken?: string) => {
  const call = request(app).post('/api/auth/email/change/confirm');
  return (accessToken ? call.set('Authorization', `Bearer ${accessToken}`) : call).send({ token });
};
const login = (app: App, email: string, password: string) =>
  request(app).post('/api/auth/login').send({ email, password });
/** The outbox worker's lines on the email-change requests it handed on. */
const handedOn = (testApp: RecoveryTestApp) =>
  testApp.logs.lines.filter(
    (line) => line.msg === 'mail request handed on' && line.purpose === 'email_change',
  );

/** Asks to move `account` to `newEmail` and returns the token of the link mailed there. */
async function changeLinkFor(testApp: RecoveryTestApp, account: Account, newEmail: string) {
  const { accessToken } = await logIn(testApp.app, account);
  expect((await changeEmail(testApp.app, accessToken, newEmail, account.password)).status).toBe(
    202,
  );
  await testApp.deliver();
  const mails = testApp.receiver.mails.filter(
    (mail) => isLinkMail(mail) && mail.to.includes(newEmail),
  );
  const newest = mails.at(-1);
  if (!newest) throw new Error(`no confirmation mail to ${newEmail}`);
  return tokenFromMail(newest, '/confirm-email-change');
}

describe('email change', () => {
  it('when the link mailed to the new address is opened, then the account moves, every session ends and the old address is told', async () => {
    const testApp = await buildRecoveryTestApp();
    const account = await registerAccount(testApp.app);
    const [first, second] = [await logIn(testApp.app, account), await logIn(testApp.app, account)];

    const token = await changeLinkFor(testApp, account, 'moved@example.com');
    const mark = testApp.writes.mark();
    const answer = await confirm(testApp.app, token);

    expect(token).toMatch(/^chg_[A-Za-z0-9_-]{43}$/);
    const linkMail = testApp.receiver.mails.find(isLinkMail);
    expect(linkMail?.to).toEqual(['moved@example.com']);
    expect(linkMail?.text).toContain(
      `${testApp.config.mail.appUrl}/confirm-email-change#token=${token}`,
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      data: { user: { id: account.id, email: 'moved@example.com', emailVerified: true } },
    });
    for (const session of [first, second]) {
      expectError(await profile(testApp.app, session.accessToken), ErrorCodes.SESSION_REVOKED);
    }
    expect(testApp.writes.since(mark)).toContainEqual({
      method: 'sessions.revokeUserSessions',
      args: [account.id, 'email_changed', expect.any(Date), undefined],
    });
    expect((await login(testApp.app, 'moved@example.com', account.password)).status).toBe(200);
    expectError(
      await login(testApp.app, account.email, account.password),
      ErrorCodes.INVALID_CREDENTIALS,
    );
    await testApp.deliver();
    const notice = await testApp.receiver.waitForMail(isNotice);
    expect(notice.to).toEqual([account.email]);
    expect(notice.text).toContain('moved@example.com');
    const [requested] = testApp.logs.events('email.change.requested');
    expect(requested).toMatchObject({ userId: account.id, newEmail: 'moved@example.com' });
    // Whether a link went is not known when the request is answered: the worker's line says it.
    expect(requested).not.toHaveProperty('sent');
    expect(handedOn(testApp)).toEqual([
      expect.objectContaining({ userId: account.id, outcome: 'composed' }),
    ]);
    expect(testApp.logs.events('email.change.confirmed')).toEqual([
      expect.objectContaining({ userId: account.id, sessionsEnded: 3, keptSession: false }),
    ]);
  });

  it('when the confirmation is signed in to the account, then that session stays and the others end', async () => {
    const testApp = await buildRecoveryTestApp();
    const account = await registerAccount(testApp.app);
    const [kept, other] = [await logIn(testApp.app, account), await logIn(testApp.app, account)];
    const token = await changeLinkFor(testApp, account, 'moved@example.com');

    expect((await confirm(testApp.app, token, kept.accessToken)).status).toBe(200);

    const stillIn = await profile(testApp.app, kept.accessToken);
    expect(stillIn.body).toMatchObject({ data: { user: { email: 'moved@example.com' } } });
    expectError(await profile(testApp.app, other.accessToken), ErrorCodes.SESSION_REVOKED);
  });

  it('when free, taken and cooled-down addresses are asked for, then every answer is the same and only the free one gets mail', async () => {
    const testApp = await buildRecoveryTestApp();
    const account = await registerAccount(testApp.app);
    const taken = await registerAccount(testApp.app);
    const { accessToken } = await logIn(testApp.app, account);
    await testApp.deliver();
    testApp.receiver.mails.length = 0;

    const answers = [];
    for (const newEmail of [
      'free@example.com',
      taken.email,
      'free@example.com',
      'FREE@example.com',
    ]) {
      answers.push(await changeEmail(testApp.app, accessToken, newEmail, account.password));
    }

    const shapes = answers.map((answer) => ({
      status: answer.status,
      body: answer.body as unknown,
      headers: Object.keys(answer.headers).sort(),
    }));
    expect(new Set(shapes.map((shape) => JSON.stringify(shape))).size).toBe(1);
    expect(shapes[0]?.status).toBe(202);
    await testApp.deliver();
    expect(testApp.receiver.mails.map((mail) => mail.to)).toEqual([['free@example.com']]);
    // Requests of one instant are composed in any order.
    expect(
      handedOn(testApp)
        .map((line) => String(line.reason ?? line.outcome))
        .sort(),
    ).toEqual(['address_taken', 'composed', 'cooled_down', 'cooled_down']);
  });

  it('when the password is wrong, then 403 PASSWORD_INCORRECT, no mail, and the cooldown is untouched', async () => {
    const testApp = await buildRecoveryTestApp();
    const account = await registerAccount(testApp.app);
    const { accessToken } = await logIn(testApp.app, account);

    const wrong = await changeEmail(testApp.app, accessToken, 'new@example.com', 'Not-it-42!');

    expectError(wrong, ErrorCodes.PASSWORD_INCORRECT);
    expect(await changeLinkFor(testApp, account, 'new@example.com')).toMatch(/^chg_/);
  });

  it('when the new address is the current one, then 400; without an access token, then 401', async () => {
    const testApp = await buildRecoveryTestApp();
    const account = await registerAccount(testApp.app);
    const { accessToken } = await logIn(testApp.app, account);

    expectError(
      await changeEmail(testApp.app, accessToken, account.email.toUpperCase(), account.password),
      ErrorCodes.VALIDATION_ERROR,
    );
    const anonymous = await request(testApp.app)
      .post('/api/auth/email/change')
      .send({ newEmail: 'new@example.com', password: account.password });
    expectError(anonymous, ErrorCodes.TOKEN_MISSING);
  });

  it('when a link is used twice, or by 20 requests at once, then exactly one moves the account', async () => {
    const testApp = await buildRecoveryTestApp({ env: { RATE_LIMIT_LOGIN: '100' } });
    const account = await registerAccount(testApp.app);
    const token = await changeLinkFor(testApp, account, 'moved@example.com');

    await expectExactlyOneUse(
      20,
      () => confirm(testApp.app, token),
      ErrorCodes.VERIFY_TOKEN_INVALID,
    );

    expectError(await confirm(testApp.app, token), ErrorCodes.VERIFY_TOKEN_INVALID);
    await testApp.deliver();
    expect(testApp.receiver.mails.filter(isNotice)).toHaveLength(1);
  });

  it('when the link has expired, then it is refused and the account keeps its address', async () => {
    const testApp = await buildRecoveryTestApp();
    const account = await registerAccount(testApp.app);
    const token = await changeLinkFor(testApp, account, 'moved@example.com');

    testApp.clock.advance('1h');

    expectError(await confirm(testApp.app, token), ErrorCodes.VERIFY_TOKEN_INVALID);
    expect((await login(testApp.app, account.email, account.password)).status).toBe(200);
  });

  it('when a newer change was asked for, then the older link is refused and the newer works', async () => {
    const testApp = await buildRecoveryTestApp();
    const account = await registerAccount(testApp.app);
    const older = await changeLinkFor(testApp, account, 'first@example.com');
    const newer = await changeLinkFor(testApp, account, 'second@example.com');

    expectError(await confirm(testApp.app, older), ErrorCodes.VERIFY_TOKEN_INVALID);
    expect((await confirm(testApp.app, newer)).body).toMatchObject({
      data: { user: { email: 'second@example.com' } },
    });
  });

  it('when tokens of other purposes are presented, then 400 VERIFY_TOKEN_INVALID and the verification link still works', async () => {
    const testApp = await buildRecoveryTestApp();
    const account = await registerAccount(testApp.app);
    await testApp.deliver();
    const verifyToken = tokenFromMail(await testApp.receiver.waitForMail(), '/verify-email');

    expectError(await confirm(testApp.app, verifyToken), ErrorCodes.VERIFY_TOKEN_INVALID);
    expectError(
      await confirm(testApp.app, `rst_${'A'.repeat(43)}`),
      ErrorCodes.VERIFY_TOKEN_INVALID,
    );
    expectError(await confirm(testApp.app, ''), ErrorCodes.VERIFY_TOKEN_INVALID);

    const verified = await request(testApp.app)
      .post('/api/auth/email/verify')
      .send({ token: verifyToken });
    expect(verified.body).toMatchObject({
      data: { user: { id: account.id, emailVerified: true } },
    });
  });

  it('when another account takes the address before the link is opened, then 409 EMAIL_TAKEN and nothing moves', async () => {
    const testApp = await buildRecoveryTestApp();
    const account = await registerAccount(testApp.app);
    const { accessToken } = await logIn(testApp.app, account);
    const token = await changeLinkFor(testApp, account, 'contested@example.com');
    await registerAccount(testApp.app, { email: 'contested@example.com' });

    expectError(await confirm(testApp.app, token), ErrorCodes.EMAIL_TAKEN);

    expect((await profile(testApp.app, accessToken)).body).toMatchObject({
      data: { user: { email: account.email } },
    });
  });

  it('when the account has moved, then verification and reset links mailed to the old address do nothing', async () => {
    const testApp = await buildRecoveryTestApp();
    const account = await registerAccount(testApp.app);
    await request(testApp.app).post('/api/auth/password/forgot').send({ email: account.email });
    await testApp.deliver();
    const [verifyToken, resetToken] = await Promise.all([
      testApp.receiver.waitForMail((mail) => mail.subject === 'Verify your email address'),
      testApp.receiver.waitForMail((mail) => mail.subject === 'Reset your password'),
    ]).then(([verifyMail, resetMail]) => [
      tokenFromMail(verifyMail, '/verify-email'),
      tokenFromMail(resetMail, '/reset-password'),
    ]);
    await confirm(testApp.app, await changeLinkFor(testApp, account, 'moved@example.com'));

    const verify = await request(testApp.app)
      .post('/api/auth/email/verify')
      .send({ token: verifyToken });
    const reset = await request(testApp.app)
      .post('/api/auth/password/reset')
      .send({ token: resetToken, newPassword: 'Brand-new-kettle-9!' });

    expectError(verify, ErrorCodes.VERIFY_TOKEN_INVALID);
    expectError(reset, ErrorCodes.RESET_TOKEN_INVALID);
  });

  it('when links pass through, then no raw token reaches the logs or the database', async () => {
    const db = new Database(':memory:');
    onTestFinished(() => {
      db.close();
    });
    const testApp = await buildRecoveryTestApp({ db });
    const account = await registerAccount(testApp.app);
    const token = await changeLinkFor(testApp, account, 'moved@example.com');

    await confirm(testApp.app, token);

    const tables = ['one_time_tokens', 'mail_outbox'].map((table) =>
      JSON.stringify(db.prepare(`SELECT * FROM ${table}`).all()),
    );
    for (const text of [...tables, testApp.logs.text]) {
      expect(text).not.toContain(token.slice(4));
    }
  });
});
