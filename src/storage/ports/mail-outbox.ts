// The mail outbox port: mail the service must send, kept in the store until it is sent, so a mail server that is down
// never fails or slows a request and no mail is lost with a restarting instance. Bodies are sealed (encrypted) by the
// caller before they get here and wiped once sent. Adapters (sqlite, mongo) implement it; its contract suite is
// test/contract/mail-outbox.contract.ts.

/**
 * What an outbox entry is. Every kind but one is a mail to send. A `mail_request` is a feature's request for a mail
 * it composes later, in the worker (a link mail: the request path is then the same whatever the address); for it,
 * 'sent' means "handed on": composed into a mail of its own entry, or found to have nothing to send.
 */
export type MailKind =
  | 'mail_request'
  | 'password_reset'
  | 'password_changed'
  | 'email_verify'
  | 'email_change_confirm'
  | 'email_change_notice'
  | 'refresh_reuse_notice'
  | 'mfa_enabled'
  | 'mfa_disabled'
  | 'mfa_locked'
  | 'mfa_recovery_code_used'
  | 'mfa_recovery_codes_regenerated';

export type MailState = 'pending' | 'sent' | 'dead';

export interface NewOutboxMail {
  /** A random UUID. */
  id: string;
  kind: MailKind;
  /** The rendered message (recipient, subject, body) or the request, sealed with OUTBOX_KEY: opaque to the store. */
  sealed: string;
  createdAt: Date;
  /**
   * After this the mail is worthless (the link inside has expired, or would have, for a request): it goes dead
   * rather than out late.
   */
  notAfter: Date;
}

export interface OutboxMail {
  id: string;
  kind: MailKind;
  /** Null once the mail is sent or dead: nothing of its content outlives its purpose. */
  sealed: string | null;
  createdAt: Date;
  notAfter: Date;
  state: MailState;
  /** Delivery attempts made so far. */
  attempts: number;
  /** When a pending mail is next due. */
  nextAttemptAt: Date;
  sentAt: Date | null;
  /** The last failure, as the transport reported it (never the message's content). */
  lastError: string | null;
}

/** A mail leased to one worker: `lease` names this hold, and only its holder can record the outcome. */
export interface LeasedMail {
  mail: OutboxMail;
  lease: string;
}

/** A transport's failure is kept to this many characters (a server's reply can be long; the cause is at its start). */
export const MAIL_ERROR_MAX_LENGTH = 1000;

export interface MailOutbox {
  /** Stores a pending mail, due at once (its `nextAttemptAt` is its `createdAt`). */
  enqueueMail(mail: NewOutboxMail): Promise<void>;

  /**
   * Leases up to `limit` pending mails due at `now` (earliest `nextAttemptAt` first: a mail is due when queued, so
   * new mails go oldest first) for `leaseMs`. Atomic per mail: of
   * concurrent calls (from any number of instances), each mail is leased to at most one while its lease holds; a
   * lease that ran out (its holder died) can be taken again, and a mail under a lease that has not run out is not
   * due.
   */
  leaseDueMails(now: Date, leaseMs: number, limit: number): Promise<LeasedMail[]>;

  /**
   * Records the one attempt made under `lease`: the mail is sent (a `mail_request`: handed on), its body wiped, its
   * attempts one more. False (and nothing changes) when the mail is no longer pending or `lease` no longer holds it:
   * another call took the mail over once the lease ran out. A holder that finishes late but was not taken over still
   * records (a mail that went out is not sent again). Of concurrent calls with one lease (sent or failed), exactly
   * one records.
   */
  markMailSent(id: string, lease: string, now: Date): Promise<boolean>;

  /**
   * Records a failed attempt under `lease`, as markMailSent does: attempts one more, `error` kept as lastError (its
   * first MAIL_ERROR_MAX_LENGTH characters), and the mail pending again from `retryAt`, or dead (body wiped) when
   * `retryAt` is null.
   */
  markMailFailed(
    id: string,
    lease: string,
    failure: { error: string; retryAt: Date | null },
    now: Date,
  ): Promise<boolean>;

  /** The mail as it stands, in whatever state (operations and tests; not on the sending path). */
  findMail(id: string): Promise<OutboxMail | undefined>;

  /** The pending mails' count and when the oldest was queued (readiness and metrics). */
  pendingMails(): Promise<{ count: number; oldestCreatedAt: Date | undefined }>;

  /** Deletes sent and dead mails created before `before`, at most `limit` per call; never a pending one. */
  sweepFinishedMails(before: Date, limit: number): Promise<number>;
}
