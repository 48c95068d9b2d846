// The account-wide lock on wrong second-factor codes (DESIGN section 11): 10 failures in 15 minutes answer 429
// MFA_LOCKED with Retry-After to every code and to the right password, while a wrong password stays 401
// INVALID_CREDENTIALS (the lock tells nothing to anyone without the password); the owner is mailed once, the audit
// log and the metrics count, and every place that checks a code (login, password reset, disable) counts alike.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors/error-catalogue.js';
import { expectError } from '../helpers/api-calls.js';
import { disableTotp, passwordStep, totpCode, wrongTotpCode } from '../helpers/mfa-calls.js';
import {
  codeStep,
  enrolledAccount,
  passwordStepAnswer,
  sendWrongCodes,
  signInWithCode,
  type EnrolledAccount,
} from '../helpers/mfa-sign-in.js';
import { buildRecoveryTestApp, tokenFromMail } from '../helpers/recovery-app.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';

const METRICS_TOKEN = 'metrics-token-0123456789-abcdefghijklmnop';
/** Enough login budget per IP for every attempt here: only the account's lock may refuse. */
const env = { RATE_LIMIT_LOGIN: '1000', METRICS_TOKEN };
const LOCKED_SUBJECT = 'Too many wrong sign-in codes';

/** The lock's answer: 429 MFA_LOCKED with a Retry-After of whole seconds within the 15-minute window. */
function expectLocked(response: request.Response): number {
  expectError(response, ErrorCodes.MFA_LOCKED);
  const retryAfter = String(response.headers['retry-after']);
  expect(retryAfter).toMatch(/^[1-9][0-9]*$/);
  expect(Number(retryAfter)).toBeLessThanOrEqual(900);
  return Number(retryAfter);
}

/** An enrolled account whose second step took 10 wrong codes through the login; `spare` is an mfaToken from before. */
async function lockedAccount(testApp: Pick<TestApp, 'app' | 'clock'>) {
  const { app, clock } = testApp;
  const enrolled = await enrolledAccount(app, clock);
  const spare = await passwordStep(app, enrolled.account);
  const wrong = wrongTotpCode(enrolled.enrolled.secret, clock);
  const answers = await sendWrongCodes(app, enrolled.account, wrong, 10);
  for (const answer of answers) expectError(answer, ErrorCodes.MFA_CODE_INVALID);
  return { ...enrolled, spare, rightCode: () => totpCode(enrolled.enrolled.secret, clock) };
}

/** A counter's value in the app's /metrics text; `labels` as they stand in it, e.g. `reason="locked"`. */
async function metric(app: TestApp['app'], name: string, labels = ''): Promise<number> {
  const scrape = await request(app).get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`);
  expect(scrape.status).toBe(200);
  const series = labels === '' ? name : `${name}\\{${labels}\\}`;
  return Number(new RegExp(`^${series} (\\d+)$`, 'm').exec(scrape.text)?.[1] ?? Number.NaN);
}

describe('the lock on wrong second-factor codes', () => {
  it('when 10 wrong codes came over several mfaTokens, then the 11th attempt, even the right code, is 429 MFA_LOCKED with Retry-After', async () => {
    const { app, clock } = buildTestApp({ env });
    const { spare, rightCode } = await lockedAccount({ app, clock });

    expectLocked(await codeStep(app, spare, rightCode()));
  });

  it('when the account is locked, then the right password is 429 MFA_LOCKED, a wrong one 401 INVALID_CREDENTIALS', async () => {
    const { app, clock } = buildTestApp({ env });
    const { account } = await lockedAccount({ app, clock });

    expectLocked(await passwordStepAnswer(app, account));
    const wrongPassword = await request(app)
      .post('/api/auth/login')
      .send({ email: account.email, password: 'Not-the-password-1!' });
    expectError(wrongPassword, ErrorCodes.INVALID_CREDENTIALS);
    expect(wrongPassword.headers['retry-after']).toBeUndefined();
  });

  it('when the lock comes, then its owner is mailed once, and the audit log has each failure with its reason and one mfa.locked', async () => {
    const testApp = await buildRecoveryTestApp({ env });
    const { app, logs } = testApp;
    const { account, spare, rightCode } = await lockedAccount(testApp);
    expectLocked(await codeStep(app, spare, rightCode()));
    expectLocked(await passwordStepAnswer(app, account));

    await testApp.deliver();
    await testApp.receiver.waitForMail((mail) => mail.subject === LOCKED_SUBJECT);
    await testApp.deliver();

    const notices = testApp.receiver.mails.filter((mail) => mail.subject === LOCKED_SUBJECT);
    expect(notices.map((mail) => mail.to)).toEqual([[account.email]]);
    const reasons = logs.events('mfa.failed').map((line) => line.reason);
    expect(reasons).toEqual([...Array<string>(10).fill('code_invalid'), 'locked', 'locked']);
    expect(logs.events('mfa.locked')).toEqual([expect.objectContaining({ userId: account.id })]);
  });

  it('when the lock comes, then auth_mfa_failures_total counts each failure by reason and auth_mfa_locks_total counts one', async () => {
    const { app, clock } = buildTestApp({ env });
    const { enrolled, account } = await enrolledAccount(app, clock);
    const code = totpCode(enrolled.secret, clock);
    expect((await signInWithCode(app, account, code)).status).toBe(200);
    expectError(await signInWithCode(app, account, code), ErrorCodes.MFA_CODE_INVALID); // a replay
    const spare = await passwordStep(app, account);
    await sendWrongCodes(app, account, wrongTotpCode(enrolled.secret, clock), 9);
    expectLocked(await codeStep(app, spare, totpCode(enrolled.secret, clock, 30)));

    const failures = 'auth_mfa_failures_total';
    expect(await metric(app, failures, 'reason="code_invalid"')).toBe(9);
    expect(await metric(app, failures, 'reason="code_replayed"')).toBe(1);
    expect(await metric(app, failures, 'reason="locked"')).toBe(1);
    expect(await metric(app, 'auth_mfa_locks_total')).toBe(1);
  });

  it('when the Retry-After has passed, then the password step and the right code work again; a second before, still locked', async () => {
    const { app, clock } = buildTestApp({ env });
    const { account, rightCode } = await lockedAccount({ app, clock });
    clock.advance('5m');
    const retryAfter = expectLocked(await passwordStepAnswer(app, account));
    expect(retryAfter).toBeLessThanOrEqual(600);

    clock.advance(`${String(retryAfter - 1)}s`);
    expectLocked(await passwordStepAnswer(app, account));
    clock.advance('1s');

    expect((await signInWithCode(app, account, rightCode())).status).toBe(200);
  });

  it('when wrong codes come at disable and at password reset, then they count against the same lock as the login', async () => {
    const testApp = await buildRecoveryTestApp({ env });
    const { app, clock } = testApp;
    const { account, enrolled }: EnrolledAccount = await enrolledAccount(app, clock);
    const wrong = wrongTotpCode(enrolled.secret, clock);
    const resetToken = await resetLinkFor(testApp, account.email);
    const spare = await passwordStep(app, account);

    for (let i = 0; i < 4; i += 1) {
      const disable = { password: account.password, code: wrong };
      expectError(
        await disableTotp(app, enrolled.accessToken, disable),
        ErrorCodes.MFA_CODE_INVALID,
      );
      const reset = { token: resetToken, newPassword: 'Brand-new-kettle-9!', mfaCode: wrong };
      const resetAnswer = await request(app).post('/api/auth/password/reset').send(reset);
      expectError(resetAnswer, ErrorCodes.MFA_CODE_INVALID);
    }
    for (const answer of await sendWrongCodes(app, account, wrong, 2)) {
      expectError(answer, ErrorCodes.MFA_CODE_INVALID);
    }

    expectLocked(await codeStep(app, spare, totpCode(enrolled.secret, clock)));
    expectLocked(await passwordStepAnswer(app, account));
    const disable = { password: account.password, code: totpCode(enrolled.secret, clock) };
    expectLocked(await disableTotp(app, enrolled.accessToken, disable));
  });
});

/** Asks for a password-reset link for `email`; its token, from the mail that arrived. */
async function resetLinkFor(
  testApp: Awaited<ReturnType<typeof buildRecoveryTestApp>>,
  email: string,
): Promise<string> {
  expect(
    (await request(testApp.app).post('/api/auth/password/forgot').send({ email })).status,
  ).toBe(202);
  await testApp.deliver();
  const mail = await testApp.receiver.waitForMail(
    (received) => received.to.includes(email) && received.subject === 'Reset your password',
  );
  return tokenFromMail(mail, '/reset-password');
}
