// The TOTP secret's sealer (src/mfa/totp-secret-sealer.ts): each secret is bound to its user, so a sealed secret
// copied onto another user's factor row does not open there; MFA_ENCRYPTION_KEY_PREVIOUS still opens, and says so.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newTotpSecret } from '../../src/mfa/totp.js';
import { createTotpSecretSealer } from '../../src/mfa/totp-secret-sealer.js';

const newKey = () => randomBytes(32).toString('base64url');

describe('the TOTP secret sealer', () => {
  it("when a user's sealed secret is copied onto another user's row, then it does not open there", () => {
    const sealer = createTotpSecretSealer({ current: newKey(), previous: undefined });
    const secret = newTotpSecret();

    const sealed = sealer.seal(secret, 'user-a');

    expect(sealed).not.toContain(secret);
    expect(sealer.open(sealed, 'user-a')).toBe(secret);
    expect(sealer.open(sealed, 'user-b')).toBeUndefined();
  });

  it('when the key is rotated, then the previous key still opens and marks the secret for resealing; without it, nothing opens', () => {
    const keyA = newKey();
    const keyB = newKey();
    const secret = newTotpSecret();
    const underA = createTotpSecretSealer({ current: keyA, previous: undefined }).seal(secret, 'u');
    const rotated = createTotpSecretSealer({ current: keyB, previous: keyA });
    const underB = rotated.seal(secret, 'u');

    expect(rotated.open(underA, 'u')).toBe(secret);
    expect(rotated.needsReseal(underA)).toBe(true);
    expect(rotated.needsReseal(underB)).toBe(false);
    expect(createTotpSecretSealer({ current: keyB, previous: undefined }).open(underA, 'u')).toBe(
      undefined,
    );
  });

  it('when a sealed secret is altered, then it does not open', () => {
    const sealer = createTotpSecretSealer({ current: newKey(), previous: undefined });
    const sealed = sealer.seal(newTotpSecret(), 'u');
    const last = sealed.slice(-2, -1) === 'A' ? 'B' : 'A';

    expect(sealer.open(`${sealed.slice(0, -2)}${last}${sealed.slice(-1)}`, 'u')).toBeUndefined();
    expect(sealer.open('not sealed', 'u')).toBeUndefined();
  });
});
