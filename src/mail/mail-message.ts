// A rendered mail: what a feature queues and a transport sends. Its content (recipient, subject, bodies) is sealed
// before it reaches the store; its kind is stored beside it in clear, for metrics and the dead-letter audit line. A
// feature may instead queue a mail request, which its composer (mail-composer.ts) turns into a mail in the worker.
import { z } from 'zod';
import type { MailKind } from '../storage/ports/mail-outbox.js';

/** What the sealed body of a mail holds. Checked again when opened: the store is outside this process's trust. */
export const mailContentSchema = z.strictObject({
  to: z.string().min(3).max(254),
  subject: z.string().min(1).max(998),
  text: z.string(),
  html: z.string().optional(),
});

export type MailContent = z.infer<typeof mailContentSchema>;

/**
 * What the sealed body of a mail request holds: the feature's own fields, opaque here (its composer checks them
 * with a schema of its own). Flat and small: the request says what to compose, not what to write.
 */
export const mailRequestSchema = z.strictObject({
  request: z.record(z.string().max(64), z.union([z.string().max(1000), z.boolean()])),
});

export type MailRequest = z.infer<typeof mailRequestSchema>;

/** Either of the two, as the sealer seals and opens them. */
export const sealedBodySchema = z.union([mailContentSchema, mailRequestSchema]);

export type SealedBody = z.infer<typeof sealedBodySchema>;

/** The kinds of mail that are sent: every kind but the request for one. */
export type SentMailKind = Exclude<MailKind, 'mail_request'>;

export type MailMessage = MailContent & { kind: SentMailKind };

/** Every kind of sent mail once; a Record, so a kind added to the port and missing here fails to compile. */
const KINDS: Record<SentMailKind, true> = {
  password_reset: true,
  password_changed: true,
  email_verify: true,
  email_change_confirm: true,
  email_change_notice: true,
  refresh_reuse_notice: true,
  mfa_enabled: true,
  mfa_disabled: true,
  mfa_locked: true,
  mfa_recovery_code_used: true,
  mfa_recovery_codes_regenerated: true,
};

/**
 * The kinds of sent mail at run time (metrics start a series for each). A mail request is not among them: handing
 * one on sends nothing, and `auth_mail_sent_total` counts mails.
 */
export const MAIL_KINDS = Object.keys(KINDS) as readonly SentMailKind[];
