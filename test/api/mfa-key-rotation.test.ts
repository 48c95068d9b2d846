// Rotating MFA_ENCRYPTION_KEY: secrets sealed under the old key keep working while it is MFA_ENCRYPTION_KEY_PREVIOUS,
// each moves to the new key at its first use, and then the old key can go.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sealingKeyIdOf } from '../../src/sealing/sealed-box.js';
import { logIn, registerAccount } from '../helpers/accounts.js';
import { enrolTotp, loginMfa, nextTotpCode, passwordStep } from '../helpers/mfa-calls.js';
import { buildTestApp } from '../helpers/test-app.js';

const key = () => randomBytes(32).toString('base64');

describe('MFA_ENCRYPTION_KEY rotation', () => {
  it('when the key is rotated with the old one kept as previous, then a login works and reseals the secret under the new key, after which the old key can go', async () => {
    const oldKey = key();
    const newKey = key();
    const before = buildTestApp({ env: { MFA_ENCRYPTION_KEY: oldKey } });
    const account = await registerAccount(before.app);
    const enrolled = await enrolTotp(
      before.app,
      before.clock,
      account,
      (await logIn(before.app, account)).accessToken,
    );
    const sealedBefore = (await before.stores.mfa.findFactor(account.id))?.sealedSecret ?? '';

    const during = buildTestApp({
      env: { MFA_ENCRYPTION_KEY: newKey, MFA_ENCRYPTION_KEY_PREVIOUS: oldKey },
      sharedStores: before.stores,
    });
    during.clock.advance('1m');
    const code = nextTotpCode(enrolled.secret, during.clock);
    const signedIn = await loginMfa(during.app, {
      mfaToken: await passwordStep(during.app, account),
      code,
    });
    expect(signedIn.status, JSON.stringify(signedIn.body)).toBe(200);
    const sealedAfter = (await during.stores.mfa.findFactor(account.id))?.sealedSecret ?? '';
    expect(sealingKeyIdOf(sealedAfter)).not.toBe(sealingKeyIdOf(sealedBefore));

    const after = buildTestApp({
      env: { MFA_ENCRYPTION_KEY: newKey },
      sharedStores: before.stores,
    });
    after.clock.advance('2m');
    const later = await loginMfa(after.app, {
      mfaToken: await passwordStep(after.app, account),
      code: nextTotpCode(enrolled.secret, after.clock),
    });
    expect(later.status, JSON.stringify(later.body)).toBe(200);
  });
});
