// The mail outbox port: mail the service must send, kept in the store until it is sent, so a mail server that is down
// never fails or slows a request and no mail is lost with a restarting instance. Bodies are sealed (encrypted) by the
// caller before they get here and wiped once sent. Adapters (sqlite, mongo) implement it; its contract suite is
// test/contract/mail-outbox.contract.ts.

export type MailKind =
  | 'password_reset'
  | 'password_changed'
  | 'email_verify'
  | 'email_change_confirm'
  | 'email_change_notice'
  | 'refresh_reuse_notice';

export type MailState = 'pending' | 'sent' | 'dead';

export interface NewOutboxMail {
  /** A random UUID. */
  id: string;
  kind: MailKind;
  /** The rendered message (recipient, subject, body), sealed with OUTBOX_KEY: opaque to the store. */
  sealed: string;
  createdAt: Date;
  /** After this the mail is worthless (the link inside has expired): it goes dead rather than out late. */
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

export interface MailOutbox {
  /** Stores a pending mail, due at once. */
  enqueueMail(mail: NewOutboxMail): Promise<void>;

  /**
   * Leases up to `limit` pending mails due at `now` (oldest first) for `leaseMs`. Atomic per mail: of concurrent
   * calls (from any number of instances), each mail is leased to at most one while its lease holds; a lease that ran
   * out (its holder died) can be taken again.
   */
  leaseDueMails(now: Date, leaseMs: number, limit: number): Promise<LeasedMail[]>;

  /** Marks the mail sent and wipes its body; false when `lease` no longer holds it. */
  markMailSent(id: string, lease: string, now: Date): Promise<boolean>;

  /**
   * Records a failed attempt: pending again from `retryAt`, or dead (body wiped) when `retryAt` is null. False when
   * `lease` no longer holds it.
   */
  markMailFailed(
    id: string,
    lease: string,
    failure: { error: string; retryAt: Date | null },
    now: Date,
  ): Promise<boolean>;

  /** The pending mails' count and when the oldest was queued (readiness and metrics). */
  pendingMails(): Promise<{ count: number; oldestCreatedAt: Date | undefined }>;

  /** Deletes sent and dead mails created before `before`, at most `limit` per call. */
  sweepFinishedMails(before: Date, limit: number): Promise<number>;
}
