// Composes, in the outbox worker, the link mails recovery asked for (link-mail-request.ts): looks the address up,
// checks the account is one the link is for, issues the one-time token and renders the mail. Every link is minted
// here, off the request path, so the request that asked cost the same for every address. Nothing to send (no such
// account, already verified, address taken, cooled down) is an outcome with a reason, for the worker's log line.
import type { Clock } from '../clock.js';
import type { Config } from '../config/config.js';
import type { Composition, MailComposer } from '../mail/mail-composer.js';
import type { MailMessage } from '../mail/mail-message.js';
import type { OneTimeTokenPurpose } from '../storage/ports/one-time-token-store.js';
import type { Stores } from '../storage/ports/stores.js';
import {
  linkMailRequestSchema,
  linkTtlSeconds,
  type LinkMailRequest,
} from './link-mail-request.js';
import { createOneTimeLinks } from './one-time-links.js';
import { emailChangeMail, passwordResetMail, verifyEmailMail } from './recovery-mails.js';

/** The account a link is for and the address it goes to. */
interface LinkOwner {
  userId: string;
  email: string;
}

type RenderLinkMail = (
  to: string,
  appUrl: string,
  token: string,
  ttlSeconds: number,
) => MailMessage;

const MAILS: Record<OneTimeTokenPurpose, RenderLinkMail> = {
  password_reset: passwordResetMail,
  email_verify: verifyEmailMail,
  email_change: emailChangeMail,
};

export function createLinkMailComposer(deps: {
  config: Config;
  stores: Pick<Stores, 'users' | 'oneTimeTokens'>;
  clock: Clock;
}): MailComposer {
  const { config, clock } = deps;
  const { users } = deps.stores;
  const links = createOneTimeLinks({ oneTimeTokens: deps.stores.oneTimeTokens, clock });

  /** Whom each purpose mails a link, or why nobody. */
  const OWNERS: Record<
    OneTimeTokenPurpose,
    (request: LinkMailRequest) => Promise<LinkOwner | string>
  > = {
    // A live account at the address.
    async password_reset({ email }) {
      const user = await users.findLiveUserByEmail(email);
      return user ? { userId: user.id, email: user.email } : 'no_account';
    },
    // A live, unverified account at the address; the account that asked, when one did (it may have moved since).
    async email_verify({ email, userId }) {
      const user = await users.findLiveUserByEmail(email);
      if (!user) return 'no_account';
      if (userId !== undefined && user.id !== userId) return 'other_account';
      return user.emailVerified ? 'already_verified' : { userId: user.id, email: user.email };
    },
    // The new address free, and the account that asked still live.
    async email_change({ email, userId }) {
      if (userId === undefined) return 'malformed_request';
      if (await users.findLiveUserByEmail(email)) return 'address_taken';
      return (await users.findLiveUserById(userId)) ? { userId, email } : 'no_account';
    },
  };

  async function linkMail(purpose: OneTimeTokenPurpose, owner: LinkOwner): Promise<Composition> {
    const ttlSeconds = linkTtlSeconds(config.recovery, purpose);
    const { token, expiresAt } = await links.issue(purpose, owner, ttlSeconds);
    return {
      message: MAILS[purpose](owner.email, config.mail.appUrl, token, ttlSeconds),
      notAfter: expiresAt,
      log: { purpose, userId: owner.userId },
    };
  }

  return {
    async compose(fields) {
      const parsed = linkMailRequestSchema.safeParse(fields);
      if (!parsed.success)
        return { nothingToSend: 'malformed_request', log: { purpose: 'unknown' } };
      const request = parsed.data;
      const log = {
        purpose: request.purpose,
        ...(request.userId === undefined ? {} : { userId: request.userId }),
      };
      if (request.cooledDown) return { nothingToSend: 'cooled_down', log };
      const owner = await OWNERS[request.purpose](request);
      if (typeof owner === 'string') return { nothingToSend: owner, log };
      return linkMail(request.purpose, owner);
    },
  };
}
