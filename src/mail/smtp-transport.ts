// Sends mail over SMTP with nodemailer, one connection per mail (the outbox sends a few at a time, in order).
import nodemailer from 'nodemailer';
import type { MailTransport } from './mail-transport.js';
import { nodemailerMessage } from './nodemailer-message.js';

export interface SmtpTransportOptions {
  /** SMTP_URL: smtp:// (STARTTLS when offered) or smtps:// (TLS from the start), with credentials if any. */
  url: string;
  /** MAIL_FROM. */
  from: string;
}

/**
 * A server that does not answer fails a send in seconds, not nodemailer's minutes (2 min to connect, 30 s for the
 * greeting, 10 min of silence): the worker sends the mails it leased one after another, and each slow failure would
 * hold the others, and the lease on them, for its whole length. 10 s is far more than a reachable server needs to
 * connect or greet; 30 s of silence covers a server that scans the message before answering DATA. A query
 * parameter of SMTP_URL (…?connectionTimeout=20000) overrides any of them.
 */
export const SMTP_TIMEOUTS = {
  connectionTimeout: 10_000,
  greetingTimeout: 10_000,
  socketTimeout: 30_000,
  dnsTimeout: 10_000,
} as const;

export function createSmtpTransport({ url, from }: SmtpTransportOptions): MailTransport {
  const transporter = nodemailer.createTransport({
    url,
    ...SMTP_TIMEOUTS,
    // Our mails never attach files or fetch URLs; refusing both means no message content can make it try.
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return {
    async send(message, { mailId, signal }) {
      await transporter.sendMail({ ...nodemailerMessage(message, mailId, from), signal });
    },
    close() {
      transporter.close();
      return Promise.resolve();
    },
  };
}
