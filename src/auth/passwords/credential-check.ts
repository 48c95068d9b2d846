// Checks a login's password so that an unknown email costs exactly what a wrong password costs.
import { randomBytes } from 'node:crypto';
import type { PasswordHasher } from './password-hasher.js';
import { exceedsBcryptLimit } from './password-policy.js';

export type CredentialCheck = (
  password: string,
  storedHash: string | undefined,
) => Promise<boolean>;

export function createCredentialCheck(hasher: PasswordHasher): CredentialCheck {
  // A hash of a random password at the configured cost, made on first use: comparing against it when there is no
  // account takes as long as a real comparison, so response timing does not reveal which emails are registered.
  let dummyHash: Promise<string> | undefined;
  const hashToCompare = (storedHash: string | undefined) =>
    storedHash ?? (dummyHash ??= hasher.hash(randomBytes(32).toString('base64')));

  return async (password, storedHash) => {
    const matches = await hasher.verify(password, await hashToCompare(storedHash));
    // bcrypt ignores bytes past 72, so "the real password plus anything" would otherwise match.
    return matches && storedHash !== undefined && !exceedsBcryptLimit(password);
  };
}
