// Seals TOTP secrets for the store under MFA_ENCRYPTION_KEY, each bound to its user: a database copy holds no
// working secret, and a sealed secret moved to another user's row does not open there. Previous keys still open what
// they sealed; `needsReseal` says when a secret should be sealed again under the current key.
import {
  createSealedBox,
  derivedSealingKey,
  sealingKeyIdOf,
  type SealingKey,
} from '../sealing/sealed-box.js';

export interface TotpSecretSealer {
  seal(secret: string, userId: string): string;
  /** The secret, or undefined when no key of the ring opens it for this user (a lost key, a tampered row). */
  open(sealed: string, userId: string): string | undefined;
  /** Whether it was sealed by a key other than the current one (it is then sealed again at its next use). */
  needsReseal(sealed: string): boolean;
}

const mfaKey = (base64url: string): SealingKey =>
  derivedSealingKey(Buffer.from(base64url, 'base64url'), 'mfa');

/** The sealer of MFA_ENCRYPTION_KEY, opening also what MFA_ENCRYPTION_KEY_PREVIOUS sealed. */
export function createTotpSecretSealer(keys: {
  current: string;
  previous: string | undefined;
}): TotpSecretSealer {
  const current = mfaKey(keys.current);
  const box = createSealedBox({
    current,
    previous: keys.previous === undefined ? [] : [mfaKey(keys.previous)],
  });
  return {
    seal: (secret, userId) => box.seal(Buffer.from(secret, 'utf8'), `totp:${userId}`),
    open(sealed, userId) {
      const opened = box.open(sealed, `totp:${userId}`);
      return 'plaintext' in opened ? opened.plaintext.toString('utf8') : undefined;
    },
    needsReseal: (sealed) => sealingKeyIdOf(sealed) !== current.id,
  };
}
