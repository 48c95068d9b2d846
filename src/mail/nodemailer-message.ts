// A mail as nodemailer takes it, the same for every transport, so the .eml files of development show exactly what
// SMTP would have sent.
import type { SendMailOptions } from 'nodemailer';
import type { MailMessage } from './mail-message.js';

/** Outbox ids are UUIDs; anything else would not be safe in a file name or a Message-ID. */
const MAIL_ID = /^[A-Za-z0-9-]{1,64}$/;

/** The domain of the From address ("Example <no-reply@example.com>" gives example.com), for the Message-ID. */
function domainOf(from: string): string {
  return /@([A-Za-z0-9.-]+)>?\s*$/.exec(from)?.[1] ?? 'localhost';
}

export function nodemailerMessage(
  message: MailMessage,
  mailId: string,
  from: string,
): SendMailOptions {
  if (!MAIL_ID.test(mailId)) throw new Error('a mail id is letters, digits and dashes');
  return {
    from,
    to: message.to,
    subject: message.subject,
    text: message.text,
    html: message.html,
    // Derived from the outbox id, so a mail sent twice (a send whose acceptance was never confirmed, retried) carries
    // one Message-ID and receivers can tell it is the same mail.
    messageId: `<${mailId}@${domainOf(from)}>`,
    // RFC 3834: no vacation or out-of-office replies to a machine's mail.
    headers: { 'Auto-Submitted': 'auto-generated' },
  };
}
