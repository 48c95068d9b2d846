// One leased outbox mail, taken to its next state: sent (body wiped), back to pending for a retry, or dead. The
// story: a mail whose link has expired goes dead unsent; one that cannot be opened goes dead; a mail request is
// handed on to the feature's composer (mail-request-handler.ts); any other mail is sent, and a failure (of a send or
// of a composition) is retried after a delay that doubles each time, until the attempts run out.
import type { Clock } from '../clock.js';
import type { AuditLog } from '../observability/audit-log.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { LeasedMail, MailOutbox, OutboxMail } from '../storage/ports/mail-outbox.js';
import type { MailComposer } from './mail-composer.js';
import type { MailMessage, MailRequest } from './mail-message.js';
import { createMailRequestHandler } from './mail-request-handler.js';
import type { MailSealer } from './mail-sealer.js';
import type { MailTransport } from './mail-transport.js';
import { describeSendFailure } from './send-failure.js';

/**
 * What became of one mail; 'skipped' and 'lost' leave it to the next lease. A mail request is 'composed' into a mail
 * of its own, or has 'nothing_to_send'.
 */
export type DeliveryOutcome =
  'sent' | 'composed' | 'nothing_to_send' | 'retry' | 'dead' | 'skipped' | 'lost';

/** Why a mail went dead (the audit line's `reason`). */
export type DeadReason =
  'expired' | 'attempts_exhausted' | 'recipient_refused' | 'unknown_key' | 'unreadable';

export interface MailDeliveryDeps {
  outbox: Pick<MailOutbox, 'enqueueMail' | 'markMailSent' | 'markMailFailed'>;
  transport: MailTransport;
  /** Turns mail requests into mails. */
  composer: MailComposer;
  sealer: Pick<MailSealer, 'open' | 'seal'>;
  clock: Clock;
  logger: Logger;
  audit: AuditLog;
  metrics: Pick<Metrics, 'countMailAttempt'> | undefined;
  /** MAIL_RETRY_DELAY: the wait after the first failure; each later one waits twice as long as the one before. */
  retryDelayMs: number;
  /** Attempts before a mail goes dead. */
  maxAttempts: number;
}

/**
 * A send is cancelled this long before the lease runs out, and one is not started with less than this left: a send
 * still running when another worker takes the mail over could deliver it twice.
 */
export const LEASE_MARGIN_MS = 5000;

export function createMailDelivery(deps: MailDeliveryDeps) {
  const { outbox, transport, sealer, clock, logger, audit, metrics } = deps;
  const now = () => new Date(clock.now());
  const requests = createMailRequestHandler(deps);

  /** Records the mail dead (its body wiped) and writes the audit line: ids, kind and why, never the recipient. */
  async function bury(
    { mail, lease }: LeasedMail,
    reason: DeadReason,
    attempts: number,
    error: string,
  ): Promise<DeliveryOutcome> {
    if (!(await outbox.markMailFailed(mail.id, lease, { error, retryAt: null }, now()))) {
      return leaseLost(mail);
    }
    audit.record('mail.dead', { mailId: mail.id, kind: mail.kind, reason, attempts, error });
    return 'dead';
  }

  function leaseLost(mail: OutboxMail): DeliveryOutcome {
    logger.warn(
      { mailId: mail.id, kind: mail.kind },
      'outbox lease ran out before the outcome was recorded; another worker holds the mail',
    );
    return 'lost';
  }

  /** After failure n (1-based): retryDelayMs × 2^(n-1), never past the mail's notAfter, when it goes dead anyway. */
  function retryAt(mail: OutboxMail, attempts: number): Date {
    const due = clock.now() + deps.retryDelayMs * 2 ** (attempts - 1);
    return new Date(Math.min(due, mail.notAfter.getTime()));
  }

  async function recordFailure(leased: LeasedMail, error: unknown): Promise<DeliveryOutcome> {
    const { mail, lease } = leased;
    const failure = describeSendFailure(error);
    const attempts = mail.attempts + 1;
    if (failure.recipientRefused) {
      return bury(leased, 'recipient_refused', attempts, failure.description);
    }
    if (attempts >= deps.maxAttempts) {
      return bury(leased, 'attempts_exhausted', attempts, failure.description);
    }
    const next = retryAt(mail, attempts);
    const failed = { error: failure.description, retryAt: next };
    if (!(await outbox.markMailFailed(mail.id, lease, failed, now()))) return leaseLost(mail);
    const fields = { mailId: mail.id, kind: mail.kind, attempts, error: failure.description };
    if (mail.kind === 'mail_request') {
      // Not a delivery attempt: auth_mail_sent_total counts mails, and this one is not composed yet.
      logger.warn({ ...fields, retryAt: next }, 'mail request not handed on; it will be retried');
      return 'retry';
    }
    logger.warn({ ...fields, retryAt: next }, 'mail not sent; it will be retried');
    metrics?.countMailAttempt(mail.kind, 'retry');
    return 'retry';
  }

  /** What is left of the lease for the work, less the margin; undefined when too little is left to start it. */
  function windowLeft(leaseEndsMs: number): number | undefined {
    const window = leaseEndsMs - clock.now() - LEASE_MARGIN_MS;
    return window < LEASE_MARGIN_MS ? undefined : window;
  }

  async function handOn(
    leased: LeasedMail,
    request: MailRequest['request'],
    leaseEndsMs: number,
  ): Promise<DeliveryOutcome> {
    if (windowLeft(leaseEndsMs) === undefined) return 'skipped';
    try {
      return await requests.handOn(leased, request);
    } catch (error) {
      return recordFailure(leased, error);
    }
  }

  async function send(
    { mail, lease }: LeasedMail,
    message: MailMessage,
    leaseEndsMs: number,
  ): Promise<DeliveryOutcome> {
    const window = windowLeft(leaseEndsMs);
    if (window === undefined) return 'skipped';
    try {
      await transport.send(message, { mailId: mail.id, signal: AbortSignal.timeout(window) });
    } catch (error) {
      return recordFailure({ mail, lease }, error);
    }
    metrics?.countMailAttempt(mail.kind, 'sent');
    if (await outbox.markMailSent(mail.id, lease, now())) {
      logger.info({ mailId: mail.id, kind: mail.kind }, 'mail sent');
    } else {
      // Only when another worker took the mail over after this lease ran out: it may go out twice.
      logger.warn(
        { mailId: mail.id, kind: mail.kind },
        'mail sent after its outbox lease ran out; another worker may send it again',
      );
    }
    return 'sent';
  }

  return {
    /** Delivers a mail (or hands on a request) leased until `leaseEndsMs` (clock time). */
    async deliver(leased: LeasedMail, leaseEndsMs: number): Promise<DeliveryOutcome> {
      const { mail } = leased;
      if (clock.now() >= mail.notAfter.getTime()) {
        return bury(leased, 'expired', mail.attempts, 'expired before it could be sent');
      }
      const opened =
        mail.sealed === null ? ({ refused: 'unreadable' } as const) : sealer.open(mail.sealed);
      if ('refused' in opened) {
        return bury(leased, opened.refused, mail.attempts, 'the sealed body could not be opened');
      }
      // A request's body is good only under the request kind, a mail's only under a mail's.
      if ('request' in opened && mail.kind === 'mail_request') {
        return handOn(leased, opened.request, leaseEndsMs);
      }
      if ('content' in opened && mail.kind !== 'mail_request') {
        return send(leased, { ...opened.content, kind: mail.kind }, leaseEndsMs);
      }
      return bury(leased, 'unreadable', mail.attempts, 'the sealed body is not of its kind');
    },
  };
}

export type MailDelivery = ReturnType<typeof createMailDelivery>;
