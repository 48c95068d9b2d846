// Email verification (DESIGN section 8): a link mailed to every new account, mailed again on request, and opening
// it marks the address verified. A request for another link is answered the same whatever the address: it only
// queues a request for the link mail (link-mail-request.ts), and the outbox worker decides whether a link goes.
import type { ClientContext } from '../auth/client-context.js';
import type { Clock } from '../clock.js';
import { AppError } from '../errors/app-error.js';
import type { AuditLog } from '../observability/audit-log.js';
import type { SessionUser, UserRecord, UserStore } from '../storage/ports/user-store.js';
import type { LinkMailRequests } from './link-mail-request.js';
import type { OneTimeLinks } from './one-time-links.js';

export interface EmailVerificationDeps {
  users: UserStore;
  links: OneTimeLinks;
  linkMails: LinkMailRequests;
  clock: Clock;
  audit: AuditLog;
}

export interface EmailVerificationService {
  /** Asks for a link to a new account (auth's registration hook); the cooldown applies as to any other mail. */
  mailLinkToNewAccount(user: UserRecord): Promise<void>;
  /**
   * Asks for another link, mailed by the outbox worker when the address has a live, unverified account and is not
   * cooled down; says nothing either way.
   */
  resendToAddress(email: string): Promise<void>;
  /** The same for a signed-in caller's own address, mailed only while the caller's account is still there. */
  resendToCaller(caller: SessionUser): Promise<void>;
  /** Marks the address of a valid link verified; throws VERIFY_TOKEN_INVALID for any other link. */
  verify(token: string, client: ClientContext): Promise<UserRecord>;
}

const PURPOSE = 'email_verify' as const;

export function createEmailVerificationService(
  deps: EmailVerificationDeps,
): EmailVerificationService {
  const { users, links, linkMails, audit } = deps;

  return {
    mailLinkToNewAccount: (user) => linkMails.request(PURPOSE, user.email, user.id),

    resendToAddress: (email) => linkMails.request(PURPOSE, email),

    // The worker checks the account at the address is still the caller's: the session's copy may be a moment old.
    resendToCaller: (caller) => linkMails.request(PURPOSE, caller.email, caller.id),

    async verify(token, client) {
      const consumed = await links.consume(PURPOSE, token);
      // The account must still be at the address the link went to: a link mailed before an address change proves
      // nothing about the new one.
      const user = consumed && (await users.findLiveUserByEmail(consumed.email));
      if (!consumed || user?.id !== consumed.userId) throw new AppError('VERIFY_TOKEN_INVALID');
      if (!(await users.markEmailVerified(user.id, new Date(deps.clock.now())))) {
        throw new AppError('VERIFY_TOKEN_INVALID');
      }
      audit.record('email.verified', { userId: user.id, ...client });
      return { ...user, emailVerified: true };
    },
  };
}
