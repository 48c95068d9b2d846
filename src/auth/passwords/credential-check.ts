// Checks a login's password so that an unknown email costs exactly what a wrong password costs.
import { randomBytes } from 'node:crypto';
import type { PasswordHasher } from './password-hasher.js';
import { exceedsBcryptLimit } from './password-policy.js';

export type CredentialCheck = (
  password: string,
  storedHash: string | undefined,
) => Promise<boolean>;

export function createCredentialCheck(hasher: PasswordHasher): CredentialCheck {
  // A hash of a random password at the configured cost, made once up front: comparing against it when there is no
  // account takes as long as a real comparison, so response timing does not reveal which emails are registered.
  const dummyHash = hasher.hash(randomBytes(32).toString('base64'));
  // A failure surfaces at the first login that awaits it, not as an unhandled rejection now.
  dummyHash.catch(() => undefined);

  return async (password, storedHash) => {
    const matches = await hasher.verify(password, storedHash ?? (await dummyHash));
    // bcrypt ignores bytes past 72, so "the real password plus anything" would otherwise match.
    return matches && storedHash !== undefined && !exceedsBcryptLimit(password);
  };
}
