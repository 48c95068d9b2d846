// How a rendered mail leaves the process: over SMTP, or as an .eml file in development. The outbox worker is the
// only caller; a transport knows nothing of the outbox, its retries or its leases.
import type { MailMessage } from './mail-message.js';

export interface SendOptions {
  /** The outbox mail's id: names the file, and makes the Message-ID, so a repeated send is recognisable. */
  mailId: string;
  /** Cancels a send that would outlive the worker's lease on the mail. */
  signal?: AbortSignal;
}

export interface MailTransport {
  /** Resolves once the mail is handed over (accepted by the server, or written); rejects with the cause otherwise. */
  send(message: MailMessage, options: SendOptions): Promise<void>;
  close(): Promise<void>;
}
