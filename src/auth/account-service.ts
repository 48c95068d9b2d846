// What a signed-in user does with their own account: see and end sessions, end them all, change the password,
// delete the account. Every call acts on the caller's authenticated session and user, never on ids from elsewhere.
import type { Clock } from '../clock.js';
import { AppError } from '../errors/app-error.js';
import type { AuditLog } from '../observability/audit-log.js';
import type { MfaStore } from '../storage/ports/mfa-store.js';
import type { LiveSession, SessionRecord, SessionStore } from '../storage/ports/session-store.js';
import type { UserStore } from '../storage/ports/user-store.js';
import type { ClientContext } from './client-context.js';
import type { PasswordConfirmation } from './password-confirmation.js';
import type { PasswordHasher } from './passwords/password-hasher.js';
import { passwordGuessabilityProblems } from './passwords/password-guessability.js';

export interface AccountServiceDeps {
  users: UserStore;
  sessions: SessionStore;
  /** A deleted account's second factor (its sealed secret, its codes) goes with it. */
  mfa: Pick<MfaStore, 'deleteFactor'>;
  hasher: PasswordHasher;
  clock: Clock;
  audit: AuditLog;
  confirmPassword: PasswordConfirmation;
}

export interface AccountService {
  /** The live sessions; with `withEnded`, then those ended in the last 7 days. */
  listSessions(
    caller: LiveSession,
    options?: { withEnded?: boolean },
  ): Promise<Array<SessionRecord & { current: boolean }>>;
  endSession(caller: LiveSession, sessionId: string, client: ClientContext): Promise<void>;
  endAllSessions(caller: LiveSession, client: ClientContext): Promise<number>;
  changePassword(
    caller: LiveSession,
    passwords: { currentPassword: string; newPassword: string },
    client: ClientContext,
  ): Promise<void>;
  deleteAccount(caller: LiveSession, password: string, client: ClientContext): Promise<void>;
}

/** How far back `include=revoked` looks: long enough to notice a session ended for you while away. */
const ENDED_SESSIONS_SHOWN_MS = 7 * 24 * 3600 * 1000;

export function createAccountService(deps: AccountServiceDeps): AccountService {
  const { users, sessions, hasher, audit, confirmPassword } = deps;
  const now = () => new Date(deps.clock.now());
  const owner = ({ user, session }: LiveSession) => ({ userId: user.id, sessionId: session.id });

  return {
    async listSessions(caller, { withEnded = false } = {}) {
      const at = now();
      const live = await sessions.listLiveSessions(caller.user.id, at);
      const since = new Date(at.getTime() - ENDED_SESSIONS_SHOWN_MS);
      const ended = withEnded ? await sessions.listRevokedSessions(caller.user.id, since) : [];
      return [...live, ...ended].map((session) => ({
        ...session,
        current: session.id === caller.session.id,
      }));
    },

    async endSession(caller, sessionId, client) {
      const own = await sessions.listLiveSessions(caller.user.id, now());
      // Another user's session, or one already ended, is simply not found: ids are not confirmed to exist.
      if (!own.some((session) => session.id === sessionId)) {
        throw new AppError('NOT_FOUND', { message: 'No such session.' });
      }
      await sessions.revokeSession(sessionId, 'logout', now());
      audit.record('session.revoked', { ...owner(caller), revokedSessionId: sessionId, ...client });
    },

    async endAllSessions(caller, client) {
      const ended = await sessions.revokeUserSessions(caller.user.id, 'logout_all', now());
      audit.record('logout_all', { ...owner(caller), ended, ...client });
      return ended;
    },

    async changePassword(caller, { currentPassword, newPassword }, client) {
      await confirmPassword(caller, currentPassword, client);
      const problems = passwordGuessabilityProblems(newPassword, caller.user);
      if (problems.length > 0) {
        throw new AppError('VALIDATION_ERROR', {
          message: `Invalid request: newPassword: ${problems[0] ?? ''}`,
          details: problems.map((message) => ({ path: 'newPassword', message })),
        });
      }
      await users.updatePasswordHash(caller.user.id, await hasher.hash(newPassword), now());
      const ended = await sessions.revokeUserSessions(
        caller.user.id,
        'password_changed',
        now(),
        caller.session.id,
      );
      audit.record('password.changed', { ...owner(caller), otherSessionsEnded: ended, ...client });
    },

    async deleteAccount(caller, password, client) {
      await confirmPassword(caller, password, client);
      await users.softDeleteUser(caller.user.id, now());
      await sessions.revokeUserSessions(caller.user.id, 'account_deleted', now());
      await deps.mfa.deleteFactor(caller.user.id);
      audit.record('account.deleted', { ...owner(caller), ...client });
    },
  };
}
