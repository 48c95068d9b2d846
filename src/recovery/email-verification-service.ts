// Email verification (DESIGN section 8): a link mailed to every new account, mailed again on request, and opening
// it marks the address verified. A request for another link is answered the same whatever the address, and counted
// against the address's mail cooldown before the account is looked up, so the cooldown tells nothing about which
// addresses have an account (a known one still costs the link's writes more: see npm run bench:forgot).
import type { ClientContext } from '../auth/client-context.js';
import type { Clock } from '../clock.js';
import { AppError } from '../errors/app-error.js';
import type { MailQueue } from '../mail/mail-queue.js';
import type { AuditLog } from '../observability/audit-log.js';
import type { SessionUser, UserRecord, UserStore } from '../storage/ports/user-store.js';
import type { MailCooldown } from './mail-cooldown.js';
import type { OneTimeLinks } from './one-time-links.js';
import { verifyEmailMail } from './recovery-mails.js';

export interface EmailVerificationDeps {
  users: UserStore;
  links: OneTimeLinks;
  mail: MailQueue;
  cooldown: MailCooldown;
  clock: Clock;
  audit: AuditLog;
  appUrl: string;
  ttlSeconds: number;
}

export interface EmailVerificationService {
  /** Mails a link to a new account (auth's registration hook); the cooldown applies as to any other mail. */
  mailLinkToNewAccount(user: UserRecord): Promise<void>;
  /** Mails another link when the address has a live, unverified account and is not cooled down; says nothing. */
  resendToAddress(email: string): Promise<void>;
  /** The same for a signed-in caller's own address. */
  resendToCaller(caller: SessionUser): Promise<void>;
  /** Marks the address of a valid link verified; throws VERIFY_TOKEN_INVALID for any other link. */
  verify(token: string, client: ClientContext): Promise<UserRecord>;
}

const PURPOSE = 'email_verify' as const;

export function createEmailVerificationService(
  deps: EmailVerificationDeps,
): EmailVerificationService {
  const { users, links, mail, cooldown, audit } = deps;

  /** Counts the mail against the address first, for every address alike; then mails only where it is of use. */
  async function mailLinkIfUseful(email: string, account: () => Promise<UserRecord | undefined>) {
    const allowed = await cooldown.allows(PURPOSE, email);
    const user = await account();
    if (!allowed || !user || user.emailVerified) return;
    const owner = { userId: user.id, email: user.email };
    const { token, expiresAt } = await links.issue(PURPOSE, owner, deps.ttlSeconds);
    await mail.queue(verifyEmailMail(user.email, deps.appUrl, token, deps.ttlSeconds), expiresAt);
  }

  return {
    mailLinkToNewAccount: (user) => mailLinkIfUseful(user.email, () => Promise.resolve(user)),

    resendToAddress: (email) => mailLinkIfUseful(email, () => users.findLiveUserByEmail(email)),

    // Read again from the store: the session's copy of the account may be a moment old.
    resendToCaller: (caller) =>
      mailLinkIfUseful(caller.email, async () => {
        const user = await users.findLiveUserByEmail(caller.email);
        return user?.id === caller.id ? user : undefined;
      }),

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
