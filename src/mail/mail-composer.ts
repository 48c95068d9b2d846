// The hook through which a feature composes, in the outbox worker, a mail it asked for in a request. A request that
// mails a link only to some addresses (those with an account) queues a mail request instead, the same for every
// address; the worker opens it and hands it here, off the request path, where the feature may look the address up,
// issue the link and render the mail. The mail layer knows no feature: main passes the feature's composer in.
import type { MailMessage, MailRequest } from './mail-message.js';

/** What the worker's log line may say of a request besides its id: never an address or a token. */
export interface ComposedRequestLog {
  /** What the request was for, in the feature's words (e.g. `password_reset`). */
  purpose: string;
  /** The account the mail is for, once known. */
  userId?: string;
}

export type Composition =
  /** A mail to queue in the request's place; it goes dead rather than out after `notAfter`. */
  | { message: MailMessage; notAfter: Date; log: ComposedRequestLog }
  /** Nothing to send, and why (e.g. `no_account`): the request is handed on all the same. */
  | { nothingToSend: string; log: ComposedRequestLog };

export interface MailComposer {
  /**
   * Composes the mail a request asked for. Throws only when it could not tell (a store that does not answer): the
   * request is then retried like a failed send.
   */
  compose(request: MailRequest['request']): Promise<Composition>;
}
