// Password reset (DESIGN section 8): a link mailed on request, answered the same for every address, and the reset
// itself, which ends every session, verifies the address the link reached, clears the account's login lock and
// tells the owner.
import { accountSubject, type LoginThrottle } from '../auth/login-throttle.js';
import type { ClientContext } from '../auth/client-context.js';
import type { PasswordHasher } from '../auth/passwords/password-hasher.js';
import type { Clock } from '../clock.js';
import { AppError } from '../errors/app-error.js';
import type { MailQueue } from '../mail/mail-queue.js';
import type { AuditLog } from '../observability/audit-log.js';
import type { SessionStore } from '../storage/ports/session-store.js';
import type { UserRecord, UserStore } from '../storage/ports/user-store.js';
import type { MailCooldown } from './mail-cooldown.js';
import type { OneTimeLinks } from './one-time-links.js';
import { NOTICE_LIFETIME_MS, passwordChangedMail, passwordResetMail } from './recovery-mails.js';

export interface PasswordResetDeps {
  users: UserStore;
  sessions: SessionStore;
  links: OneTimeLinks;
  hasher: PasswordHasher;
  mail: MailQueue;
  cooldown: MailCooldown;
  throttle: LoginThrottle;
  clock: Clock;
  audit: AuditLog;
  appUrl: string;
  ttlSeconds: number;
}

export interface PasswordResetService {
  /** Mails a reset link when the address has a live account and is not cooled down; says nothing either way. */
  requestReset(email: string, client: ClientContext): Promise<void>;
  /** Sets the new password with a valid link; throws RESET_TOKEN_INVALID for any other. */
  resetPassword(
    input: { token: string; newPassword: string },
    client: ClientContext,
  ): Promise<void>;
}

const PURPOSE = 'password_reset' as const;

export function createPasswordResetService(deps: PasswordResetDeps): PasswordResetService {
  const { users, sessions, links, hasher, mail, clock, audit } = deps;
  const now = () => new Date(clock.now());

  async function mailResetLink(user: UserRecord): Promise<void> {
    const owner = { userId: user.id, email: user.email };
    const { token, expiresAt } = await links.issue(PURPOSE, owner, deps.ttlSeconds);
    await mail.queue(passwordResetMail(user.email, deps.appUrl, token, deps.ttlSeconds), expiresAt);
  }

  /** The live account a consumed link belongs to, still at the address the link was mailed to. */
  async function accountOfLink(token: string): Promise<UserRecord> {
    const consumed = await links.consume(PURPOSE, token);
    if (!consumed) throw new AppError('RESET_TOKEN_INVALID');
    const user = await users.findLiveUserByEmail(consumed.email);
    if (user?.id !== consumed.userId) throw new AppError('RESET_TOKEN_INVALID');
    return user;
  }

  return {
    async requestReset(email, client) {
      // Counted for every address, before the lookup, so the cooldown tells nothing about which have an account.
      // (A known address still costs two writes more: bench/README.md, npm run bench:forgot.)
      const allowed = await deps.cooldown.allows(PURPOSE, email);
      const user = await users.findLiveUserByEmail(email);
      const sent = user !== undefined && allowed;
      if (sent) await mailResetLink(user);
      audit.record('password.forgot', { email, sent, ...client });
    },

    async resetPassword({ token, newPassword }, client) {
      const user = await accountOfLink(token);
      const at = now();
      await users.updatePasswordHash(user.id, await hasher.hash(newPassword), at);
      await sessions.revokeUserSessions(user.id, 'password_reset', at);
      // The link reached this address: it is the owner's.
      await users.markEmailVerified(user.id, at);
      await deps.throttle.clear(accountSubject(user.email), 'untrusted');
      await mail.queue(
        passwordChangedMail(user.email),
        new Date(at.getTime() + NOTICE_LIFETIME_MS),
      );
      audit.record('password.reset', { userId: user.id, ...client });
    },
  };
}
