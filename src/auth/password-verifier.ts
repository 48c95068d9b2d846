// Checks an account's password the one way every flow shares (login, change password, delete account): refused
// while the account is locked, failures counted toward the lock and cleared by a success. Every check costs exactly
// one bcrypt comparison: against the stored hash, or against a dummy hash when there is no account or it is locked,
// so no refusal can be told apart from another by its timing.
import { randomBytes } from 'node:crypto';
import type { AuditLog } from '../observability/audit-log.js';
import type { ClientContext } from './client-context.js';
import type { LoginThrottle } from './login-throttle.js';
import type { PasswordHasher } from './passwords/password-hasher.js';
import { exceedsBcryptLimit } from './passwords/password-policy.js';

export type PasswordVerification =
  { ok: true } | { ok: false; reason: 'locked' | 'unknown_email' | 'wrong_password' };

export type PasswordVerifier = (
  email: string,
  password: string,
  storedHash: string | undefined,
  client: ClientContext,
) => Promise<PasswordVerification>;

export function createPasswordVerifier(deps: {
  hasher: PasswordHasher;
  throttle: LoginThrottle;
  audit: AuditLog;
}): PasswordVerifier {
  const { hasher, throttle, audit } = deps;
  // A hash of a random password at the configured cost, made once up front: comparing against it takes as long as
  // a real comparison, so response timing does not reveal which emails are registered or locked.
  const dummyHash = hasher.hash(randomBytes(32).toString('base64'));
  // A failure surfaces at the first check that awaits it, not as an unhandled rejection now.
  dummyHash.catch(() => undefined);

  /** One comparison; without a hash to compare against (no account, or locked), against the dummy, and false. */
  async function matches(password: string, storedHash: string | undefined): Promise<boolean> {
    const same = await hasher.verify(password, storedHash ?? (await dummyHash));
    // bcrypt ignores bytes past 72, so "the real password plus anything" would otherwise match.
    return same && storedHash !== undefined && !exceedsBcryptLimit(password);
  }

  return async (email, password, storedHash, client) => {
    const locked = await throttle.isLocked(email);
    if (await matches(password, locked ? undefined : storedHash)) {
      await throttle.reset(email);
      return { ok: true };
    }
    if (locked) return { ok: false, reason: 'locked' };
    // Unknown emails count too, so a lock never tells whether an account exists.
    const { failures, lockedForMs } = await throttle.recordFailure(email);
    if (lockedForMs > 0) audit.record('login.lockout', { email, failures, lockedForMs, ...client });
    return { ok: false, reason: storedHash === undefined ? 'unknown_email' : 'wrong_password' };
  };
}
