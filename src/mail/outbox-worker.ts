// The outbox worker: on a timer of the process entry (never in a request), leases the mails that are due, takes
// each to its next state (mail-delivery.ts) and counts what is still pending. Any number of workers, in any number
// of instances, can share one outbox: a lease gives each mail to one of them at a time. A run goes on in rounds while
// there is more, so a mail composed from a mail request (a link asked for) goes out within the run.
import type { Clock } from '../clock.js';
import type { AuditLog } from '../observability/audit-log.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { MailOutbox } from '../storage/ports/mail-outbox.js';
import { createMailDelivery, LEASE_MARGIN_MS } from './mail-delivery.js';
import type { MailComposer } from './mail-composer.js';
import { MAIL_KINDS } from './mail-message.js';
import type { MailSealer } from './mail-sealer.js';
import type { MailTransport } from './mail-transport.js';

export interface OutboxWorkerOptions {
  outbox: MailOutbox;
  transport: MailTransport;
  /** The feature's composer of mail requests (the mail layer knows none: the entry passes it in). */
  composer: MailComposer;
  /** Opens what is leased; seals what a request is composed into. */
  sealer: Pick<MailSealer, 'open' | 'seal'>;
  clock: Clock;
  logger: Logger;
  audit: AuditLog;
  metrics?: Pick<Metrics, 'countMailAttempt' | 'declareMailKinds' | 'setMailOutboxPending'>;
  /** MAIL_RETRY_DELAY in ms. */
  retryDelayMs: number;
  /** Attempts before a mail goes dead (DESIGN section 8: 6). */
  maxAttempts?: number;
  /**
   * How long a leased mail is this worker's alone. Long enough for a batch of slow sends (the SMTP timeouts bound
   * each); short, so a crashed worker's mails are taken up again soon.
   */
  leaseMs?: number;
  /** Mails leased at a time, sent one after another. */
  batchSize?: number;
}

/** What a run did with mails; mail requests handed on are not among them (the mails composed from them are). */
export interface OutboxRun {
  sent: number;
  retried: number;
  dead: number;
}

export interface OutboxWorker {
  /** One batch now; waits for a run already under way first. */
  runOnce(): Promise<OutboxRun>;
  /** Runs a batch every `intervalMs` (skipping a tick while one is still running). */
  start(intervalMs: number): void;
  /**
   * No more batches, and no more sends in the one under way: resolves once its current send is done, so shutdown
   * can close the store after it. Mails leased but not yet tried stay leased until their lease runs out.
   */
  stop(): Promise<void>;
}

const MAX_ROUNDS_PER_RUN = 20;

export function createOutboxWorker(options: OutboxWorkerOptions): OutboxWorker {
  const { outbox, clock, logger, metrics } = options;
  const { maxAttempts = 6, leaseMs = 120_000, batchSize = 10 } = options;
  if (leaseMs < 4 * LEASE_MARGIN_MS) {
    throw new Error(`an outbox lease must be at least ${String(4 * LEASE_MARGIN_MS)} ms`);
  }
  const delivery = createMailDelivery({
    ...options,
    metrics: options.metrics,
    maxAttempts,
  });
  metrics?.declareMailKinds(MAIL_KINDS);
  let stopped = false;
  let running: Promise<unknown> | undefined;
  let timer: NodeJS.Timeout | undefined;

  /** One lease of due mails, each taken to its next state; adds what became of them to `run`. */
  async function runBatch(run: OutboxRun): Promise<{ leased: number; composed: number }> {
    let composed = 0;
    const leasedAt = clock.now();
    const leased = await outbox.leaseDueMails(new Date(leasedAt), leaseMs, batchSize);
    for (const mail of leased) {
      if (stopped) break;
      const outcome = await delivery.deliver(mail, leasedAt + leaseMs);
      if (outcome === 'sent') run.sent += 1;
      else if (outcome === 'composed') composed += 1;
      else if (outcome === 'retry') run.retried += 1;
      else if (outcome === 'dead') run.dead += 1;
    }
    return { leased: leased.length, composed };
  }

  /**
   * Rounds of one batch each, for as long as there is more: a full batch means others may be due, and a composed mail
   * takes its request's place in line (due when the request was), so the next round sends it and a link goes out
   * within one run, not one tick later. At most MAX_ROUNDS_PER_RUN, so a backlog (a flood of requests, an outage
   * just over) drains a few hundred mails a tick while the timer keeps its rhythm; sends are I/O and each round's
   * store calls are indexed and bounded, so requests keep their event loop meanwhile.
   */
  async function runRounds(): Promise<OutboxRun> {
    const run: OutboxRun = { sent: 0, retried: 0, dead: 0 };
    for (let round = 0; round < MAX_ROUNDS_PER_RUN && !stopped; round += 1) {
      const { leased, composed } = await runBatch(run);
      if (leased < batchSize && composed === 0) break;
    }
    metrics?.setMailOutboxPending((await outbox.pendingMails()).count);
    return run;
  }

  async function runOnce(): Promise<OutboxRun> {
    while (running) await running.catch(() => undefined);
    if (stopped) return { sent: 0, retried: 0, dead: 0 };
    const run = runRounds();
    running = run;
    try {
      return await run;
    } finally {
      if (running === run) running = undefined;
    }
  }

  return {
    runOnce,
    start(intervalMs) {
      if (timer !== undefined || stopped) return;
      timer = setInterval(() => {
        if (running) return;
        runOnce().catch((error: unknown) => {
          logger.error({ err: error }, 'outbox run failed');
        });
      }, intervalMs);
      timer.unref();
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
