// Email change (DESIGN section 8): a signed-in user who confirms the password asks to move the account to another
// address; a link goes to that address, and opening it moves the account, ends its other sessions and tells the old
// address. The request is answered the same whether or not the address is free: only the password is checked
// aloud, and a wrong one says nothing about the address; the rest is a request for the link mail, which the outbox
// worker composes only when the address is free (link-mail-composer.ts).
import type { PasswordConfirmation } from '../auth/password-confirmation.js';
import type { ClientContext } from '../auth/client-context.js';
import type { Clock } from '../clock.js';
import { AppError } from '../errors/app-error.js';
import type { MailQueue } from '../mail/mail-queue.js';
import type { AuditLog } from '../observability/audit-log.js';
import type { LiveSession, SessionStore } from '../storage/ports/session-store.js';
import type { UserRecord, UserStore } from '../storage/ports/user-store.js';
import type { LinkMailRequests } from './link-mail-request.js';
import type { OneTimeLinks } from './one-time-links.js';
import { emailChangedMail, NOTICE_LIFETIME_MS } from './recovery-mails.js';
import type { ChangeEmailInput } from './recovery-schemas.js';

export interface EmailChangeDeps {
  users: UserStore;
  sessions: SessionStore;
  links: OneTimeLinks;
  mail: MailQueue;
  linkMails: LinkMailRequests;
  confirmPassword: PasswordConfirmation;
  clock: Clock;
  audit: AuditLog;
}

export interface EmailChangeService {
  /**
   * After the password, asks for a confirmation link to the new address, mailed by the outbox worker when the
   * address is free and not cooled down; says nothing either way.
   */
  requestChange(caller: LiveSession, input: ChangeEmailInput, client: ClientContext): Promise<void>;
  /**
   * Moves the account to the address of a valid link and ends its sessions, all but the caller's when the request
   * is signed in to that account. Throws VERIFY_TOKEN_INVALID for any other link, EMAIL_TAKEN when another account
   * took the address since the link was mailed.
   */
  confirmChange(
    token: string,
    caller: LiveSession | undefined,
    client: ClientContext,
  ): Promise<UserRecord>;
}

const PURPOSE = 'email_change' as const;

export function createEmailChangeService(deps: EmailChangeDeps): EmailChangeService {
  const { users, sessions, links, mail, audit } = deps;
  const now = () => new Date(deps.clock.now());

  function refuseSameAddress(caller: LiveSession, newEmail: string): void {
    if (newEmail !== caller.user.email) return;
    const message = 'New email must differ from the current one.';
    throw new AppError('VALIDATION_ERROR', {
      message: `Invalid request: newEmail: ${message}`,
      details: [{ path: 'newEmail', message }],
    });
  }

  /** The account a consumed link belongs to, as it stands now (its address before the change). */
  async function accountOfLink(token: string) {
    const consumed = await links.consume(PURPOSE, token);
    const account = consumed && (await users.findLiveUserById(consumed.userId));
    if (!consumed || !account) throw new AppError('VERIFY_TOKEN_INVALID');
    return { account, newEmail: consumed.email };
  }

  async function moveAccount(account: UserRecord, newEmail: string): Promise<void> {
    const outcome = await users.changeEmail(account.id, newEmail, now());
    // Only the holder of the new mailbox has the link, so this tells nobody else that the address has an account.
    if (outcome === 'email-taken') throw new AppError('EMAIL_TAKEN');
    if (outcome === 'unknown') throw new AppError('VERIFY_TOKEN_INVALID');
  }

  return {
    async requestChange(caller, { newEmail, password }, client) {
      refuseSameAddress(caller, newEmail);
      await deps.confirmPassword(caller, password, client);
      // The same steps for free and taken addresses: whether the address is free is the worker's to find out.
      await deps.linkMails.request(PURPOSE, newEmail, caller.user.id);
      const who = { userId: caller.user.id, sessionId: caller.session.id };
      audit.record('email.change.requested', { ...who, newEmail, ...client });
    },

    async confirmChange(token, caller, client) {
      const { account, newEmail } = await accountOfLink(token);
      await moveAccount(account, newEmail);
      // A confirmation signed in to this account keeps its own session; any other request ends them all.
      const kept = caller?.user.id === account.id ? caller.session.id : undefined;
      const ended = await sessions.revokeUserSessions(account.id, 'email_changed', now(), kept);
      if (account.email !== newEmail) {
        const notAfter = new Date(now().getTime() + NOTICE_LIFETIME_MS);
        await mail.queue(emailChangedMail(account.email, newEmail), notAfter);
      }
      audit.record('email.change.confirmed', {
        userId: account.id,
        sessionsEnded: ended,
        keptSession: kept !== undefined,
        ...client,
      });
      return { ...account, email: newEmail, emailVerified: true };
    },
  };
}
