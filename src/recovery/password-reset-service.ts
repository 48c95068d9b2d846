// Password reset (DESIGN section 8): a link mailed on request, answered the same for every address (the request
// only queues a request for the link mail; the outbox worker looks the address up), and the reset itself, which ends
// every session, verifies the address the link reached, clears the account's login lock and tells the owner.
import { accountSubject, type LoginThrottle } from '../auth/login-throttle.js';
import type { ClientContext } from '../auth/client-context.js';
import type { PasswordHasher } from '../auth/passwords/password-hasher.js';
import type { Clock } from '../clock.js';
import { AppError } from '../errors/app-error.js';
import type { MailQueue } from '../mail/mail-queue.js';
import type { SecondFactorConfirmation } from '../mfa/second-factor-confirmation.js';
import type { AuditLog } from '../observability/audit-log.js';
import type { SessionStore } from '../storage/ports/session-store.js';
import type { OneTimeTokenRecord } from '../storage/ports/one-time-token-store.js';
import type { UserRecord, UserStore } from '../storage/ports/user-store.js';
import type { ResetPasswordInput } from './recovery-schemas.js';
import type { LinkMailRequests } from './link-mail-request.js';
import type { OneTimeLinks } from './one-time-links.js';
import { NOTICE_LIFETIME_MS, passwordChangedMail } from './recovery-mails.js';

export interface PasswordResetDeps {
  users: UserStore;
  sessions: SessionStore;
  links: OneTimeLinks;
  hasher: PasswordHasher;
  mail: MailQueue;
  linkMails: LinkMailRequests;
  throttle: LoginThrottle;
  /** An account with a second factor resets only with a code of it: the mailbox alone is one factor. */
  confirmSecondFactor: SecondFactorConfirmation;
  clock: Clock;
  audit: AuditLog;
}

export interface PasswordResetService {
  /**
   * Asks for a reset link to the address, mailed by the outbox worker when it has a live account and is not cooled
   * down; the same steps and writes for every address, and says nothing either way.
   */
  requestReset(email: string, client: ClientContext): Promise<void>;
  /**
   * Sets the new password with a valid link (and, for an account with a second factor, a code of it); throws
   * RESET_TOKEN_INVALID for any other link, MFA_REQUIRED or MFA_CODE_INVALID (the link stays good) for the code.
   */
  resetPassword(input: ResetPasswordInput, client: ClientContext): Promise<void>;
}

const PURPOSE = 'password_reset' as const;

export function createPasswordResetService(deps: PasswordResetDeps): PasswordResetService {
  const { users, sessions, links, hasher, mail, clock, audit } = deps;
  const now = () => new Date(clock.now());

  /** The live account a link belongs to, still at the address the link was mailed to. */
  async function accountOf(link: OneTimeTokenRecord | undefined): Promise<UserRecord> {
    if (!link) throw new AppError('RESET_TOKEN_INVALID');
    const user = await users.findLiveUserByEmail(link.email);
    if (user?.id !== link.userId) throw new AppError('RESET_TOKEN_INVALID');
    return user;
  }

  return {
    async requestReset(email, client) {
      // No lookup here: whether a link goes is decided in the worker (link-mail-composer.ts), so the answer costs
      // the same for every address (npm run bench:forgot) and the audit line cannot say.
      await deps.linkMails.request(PURPOSE, email);
      audit.record('password.forgot', { email, ...client });
    },

    async resetPassword({ token, newPassword, mfaCode }, client) {
      // Looked at first, spent only once the second factor (if any) checked out: a missing or mistyped code leaves
      // the link good for another try.
      await deps.confirmSecondFactor(
        await accountOf(await links.find(PURPOSE, token)),
        mfaCode,
        client,
      );
      const user = await accountOf(await links.consume(PURPOSE, token));
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
