// Deleting an account with two-step sign-in: its sealed secret and recovery codes do not outlive it.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { logIn, registerAccount } from '../helpers/accounts.js';
import { enrolTotp } from '../helpers/mfa-calls.js';
import { buildTestApp } from '../helpers/test-app.js';

describe('account deletion with two-step sign-in', () => {
  it('when an MFA account is deleted, then its factor and recovery codes are gone from the store', async () => {
    const { app, clock, stores } = buildTestApp();
    const account = await registerAccount(app);
    const enrolled = await enrolTotp(app, clock, account, (await logIn(app, account)).accessToken);
    const lookupId = (enrolled.recoveryCodes[0] ?? '').slice(0, 4);
    expect(await stores.mfa.findRecoveryCode(account.id, lookupId)).toBeDefined();

    const deleted = await request(app)
      .delete('/api/auth/account')
      .set('Authorization', `Bearer ${enrolled.accessToken}`)
      .send({ password: account.password });

    expect(deleted.status, JSON.stringify(deleted.body)).toBe(200);
    expect(await stores.mfa.findFactor(account.id)).toBeUndefined();
    expect(await stores.mfa.findRecoveryCode(account.id, lookupId)).toBeUndefined();
    expect(await stores.mfa.countUnusedRecoveryCodes(account.id)).toBe(0);
  });
});
