// An operator turning off a second factor (`npm run mfa -- reset <email>`, src/mfa/operator-mfa-reset.ts) for an
// owner who lost both the app and the recovery codes: the factor goes, every session ends, the owner is mailed.
import { describe, expect, it } from 'vitest';
import { outboxMailQueue } from '../../src/mail/mail-queue.js';
import { resetSecondFactor } from '../../src/mfa/operator-mfa-reset.js';
import { createAuditLog } from '../../src/observability/audit-log.js';
import { logIn, registerAccount } from '../helpers/accounts.js';
import { expectError, profile } from '../helpers/api-calls.js';
import { enrolTotp } from '../helpers/mfa-calls.js';
import { buildRecoveryTestApp, type RecoveryTestApp } from '../helpers/recovery-app.js';

const operatorReset = (testApp: RecoveryTestApp, email: string) =>
  resetSecondFactor(email, {
    ...testApp.stores,
    mail: outboxMailQueue(testApp.config.mail.outboxKeys, testApp.stores.mailOutbox, testApp.clock),
    clock: testApp.clock,
    audit: createAuditLog(testApp.logger),
  });

describe('an operator resetting a second factor', () => {
  it('when the account has a factor, then it is gone, every session ended, the owner mailed and the audit line names the operator', async () => {
    const testApp = await buildRecoveryTestApp();
    const { app, clock } = testApp;
    const account = await registerAccount(app);
    const enrolled = await enrolTotp(app, clock, account, (await logIn(app, account)).accessToken);

    const result = await operatorReset(testApp, account.email);

    expect(result).toEqual({ outcome: 'reset', userId: account.id, sessionsEnded: 1 });
    expectError(await profile(app, enrolled.accessToken), 'SESSION_REVOKED');
    expect((await logIn(app, account)).accessToken).toEqual(expect.any(String));
    expect(testApp.logs.events('mfa.disabled')).toEqual([
      expect.objectContaining({ userId: account.id, by: 'operator' }),
    ]);
    await testApp.deliver();
    await testApp.receiver.waitForMail(
      (mail) =>
        mail.to.includes(account.email) && mail.subject === 'Two-step sign-in was turned off',
    );
  });

  it('when the address has no account or the account no factor, then nothing changes', async () => {
    const testApp = await buildRecoveryTestApp();
    const account = await registerAccount(testApp.app);
    const signedIn = await logIn(testApp.app, account);

    expect(await operatorReset(testApp, 'nobody@example.com')).toEqual({ outcome: 'no-account' });
    expect(await operatorReset(testApp, account.email)).toEqual({
      outcome: 'no-factor',
      userId: account.id,
    });
    expect((await profile(testApp.app, signedIn.accessToken)).status).toBe(200);
    expect(testApp.logs.events('mfa.disabled')).toEqual([]);
  });
});
