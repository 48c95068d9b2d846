// Checks an account's password the one way every flow shares (login, change password, delete account): refused
// while the account is locked, an unknown account compared against a dummy hash, failures counted toward the lock
// and cleared by a success. Every refusal costs one bcrypt comparison, so none can be told apart by timing.
import type { AuditLog } from '../observability/audit-log.js';
import type { ClientContext } from './client-context.js';
import type { LoginThrottle } from './login-throttle.js';
import { createCredentialCheck } from './passwords/credential-check.js';
import type { PasswordHasher } from './passwords/password-hasher.js';

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
  const { throttle, audit } = deps;
  const checkPassword = createCredentialCheck(deps.hasher);

  return async (email, password, storedHash, client) => {
    const locked = await throttle.isLocked(email);
    // A locked account is compared against the dummy hash: its answer and timing match a wrong password.
    const matches = await checkPassword(password, locked ? undefined : storedHash);
    if (matches) {
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
