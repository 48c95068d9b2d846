// A signed-in session confirming its own account's password before a change that needs it (change-password,
// account deletion, an email change): checked against the hash in the store, never a cached one (another instance
// may have changed it a moment ago), and counted against this session alone (password-verifier.ts).
import { AppError } from '../errors/app-error.js';
import type { LiveSession } from '../storage/ports/session-store.js';
import type { UserStore } from '../storage/ports/user-store.js';
import type { ClientContext } from './client-context.js';
import type { PasswordVerifier } from './password-verifier.js';

/** Resolves when the password is the caller's; throws PASSWORD_INCORRECT, or TOO_MANY_REQUESTS once locked. */
export type PasswordConfirmation = (
  caller: LiveSession,
  password: string,
  client: ClientContext,
) => Promise<void>;

export function createPasswordConfirmation(deps: {
  users: Pick<UserStore, 'findLiveUserById'>;
  verifyPassword: PasswordVerifier;
}): PasswordConfirmation {
  return async (caller, password, client) => {
    const account = await deps.users.findLiveUserById(caller.user.id);
    if (!account) throw new AppError('SESSION_REVOKED', { reason: 'account_deleted' });
    const verification = await deps.verifyPassword.reauthenticate(
      caller.session.id,
      password,
      account.passwordHash,
      client,
    );
    if (verification.ok) return;
    if (verification.reason === 'locked') {
      throw new AppError('TOO_MANY_REQUESTS', {
        message: 'Too many wrong passwords from this session; try again later.',
        headers: { 'Retry-After': String(verification.retryAfterSeconds) },
      });
    }
    throw new AppError('PASSWORD_INCORRECT');
  };
}
