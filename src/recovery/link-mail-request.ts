// A request for a link mail (password reset, address verification, email change): what a recovery service queues in
// the request, the same for every address, so the request costs the same whether or not the address has an account
// (DESIGN section 8). The outbox worker hands it to the link-mail composer (link-mail-composer.ts), which decides off
// the request path, where nobody is timing an answer, whether a link goes.
import { z } from 'zod';
import type { Clock } from '../clock.js';
import type { Config } from '../config/config.js';
import type { MailQueue } from '../mail/mail-queue.js';
import type { OneTimeTokenPurpose } from '../storage/ports/one-time-token-store.js';
import type { MailCooldown } from './mail-cooldown.js';

const PURPOSES = [
  'password_reset',
  'email_verify',
  'email_change',
] as const satisfies readonly OneTimeTokenPurpose[];

/** What the sealed request holds; checked again when the worker opens it (the store is outside our trust). */
export const linkMailRequestSchema = z.strictObject({
  purpose: z.enum(PURPOSES),
  /** The address to mail: for a change, the new one. */
  email: z.string().min(3).max(254),
  /** The account asking, when the request knows it (a new account, a signed-in caller); never for a forgot. */
  userId: z.string().min(1).max(64).optional(),
  /** The cooldown refused it: nothing goes, but the request was written all the same, so it cost what others do. */
  cooledDown: z.boolean(),
});

export type LinkMailRequest = z.infer<typeof linkMailRequestSchema>;

/** How long a link of `purpose` works; its request is worth composing as long. */
export function linkTtlSeconds(recovery: Config['recovery'], purpose: OneTimeTokenPurpose): number {
  if (purpose === 'password_reset') return recovery.passwordResetTtlSeconds;
  if (purpose === 'email_verify') return recovery.emailVerifyTtlSeconds;
  return recovery.emailChangeTtlSeconds;
}

export interface LinkMailRequests {
  /**
   * Counts a mail of `purpose` against the address's cooldown, then queues one sealed request: the same steps, the
   * same writes, for every address, whether it has an account, is verified, is taken or is cooled down.
   */
  request(purpose: OneTimeTokenPurpose, email: string, userId?: string): Promise<void>;
}

export function createLinkMailRequests(deps: {
  mail: MailQueue;
  cooldown: MailCooldown;
  clock: Clock;
  recovery: Config['recovery'];
}): LinkMailRequests {
  return {
    async request(purpose, email, userId) {
      const allowed = await deps.cooldown.allows(purpose, email);
      const request: LinkMailRequest = {
        purpose,
        email,
        ...(userId === undefined ? {} : { userId }),
        cooledDown: !allowed,
      };
      const ttlMs = linkTtlSeconds(deps.recovery, purpose) * 1000;
      await deps.mail.queueRequest(request, new Date(deps.clock.now() + ttlMs));
    },
  };
}
