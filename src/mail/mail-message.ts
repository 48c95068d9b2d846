// A rendered mail: what a feature queues and a transport sends. Its content (recipient, subject, bodies) is sealed
// before it reaches the store; its kind is stored beside it in clear, for metrics and the dead-letter audit line.
import { z } from 'zod';
import type { MailKind } from '../storage/ports/mail-outbox.js';

/** What the sealed body holds. Checked again when opened: the store is outside this process's trust. */
export const mailContentSchema = z.strictObject({
  to: z.string().min(3).max(254),
  subject: z.string().min(1).max(998),
  text: z.string(),
  html: z.string().optional(),
});

export type MailContent = z.infer<typeof mailContentSchema>;

export type MailMessage = MailContent & { kind: MailKind };

/** Every kind once; a Record, so a kind added to the port and missing here fails to compile. */
const KINDS: Record<MailKind, true> = {
  password_reset: true,
  password_changed: true,
  email_verify: true,
  email_change_confirm: true,
  email_change_notice: true,
  refresh_reuse_notice: true,
};

/** The kinds at run time (metrics start a series for each). */
export const MAIL_KINDS = Object.keys(KINDS) as readonly MailKind[];
