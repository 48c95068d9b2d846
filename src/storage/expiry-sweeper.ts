// Periodically deletes expired refresh tokens, sessions, one-time tokens and second-factor leftovers (challenges,
// unconfirmed factors, replaced recovery codes), and outbox mail finished (sent or dead) a week ago, in bounded batches with a yield between them, so a backlog of millions of rows never holds the event
// loop for long.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Clock } from '../clock.js';
import type { Logger } from '../observability/logger.js';
import type { MailOutbox } from './ports/mail-outbox.js';
import type { MfaStore } from './ports/mfa-store.js';
import type { OneTimeTokenStore } from './ports/one-time-token-store.js';
import type { SessionStore, SweepResult } from './ports/session-store.js';

export type ExpirySweepResult = SweepResult & {
  oneTimeTokens: number;
  finishedMails: number;
  mfaChallenges: number;
  mfaPendingFactors: number;
  mfaRecoveryCodes: number;
};

/**
 * Rows a batch. On a store of millions of rows each expired token sits on its own pages of the table and of the
 * token-hash and session indexes, so a batch's cost grows with its rows, not the table: on SQLite, 1,000 rows held
 * the event loop some 80 ms, 200 rows under 10 ms (bench/README.md, bench:scale).
 */
const DEFAULT_BATCH_SIZE = 200;

/** How long a sent or dead mail's record (kind, state, attempts, last error; its body is long gone) is kept. */
const FINISHED_MAIL_KEPT_MS = 7 * 24 * 3600 * 1000;

export interface ExpirySweeperOptions {
  sessions: Pick<SessionStore, 'sweepExpired'>;
  oneTimeTokens: Pick<OneTimeTokenStore, 'sweepExpiredOneTimeTokens'>;
  mailOutbox: Pick<MailOutbox, 'sweepFinishedMails'>;
  mfa: Pick<MfaStore, 'sweepExpiredMfa'>;
  clock: Clock;
  logger: Logger;
  intervalMs?: number;
  batchSize?: number;
}

export interface ExpirySweeper {
  /** One full sweep now: batches until a batch comes back short (or the sweeper stops). Resolves to the rows removed. */
  sweep(): Promise<ExpirySweepResult>;
  /** No more batches after the one under way; resolves once that one is done, so the store can close after it. */
  stop(): Promise<void>;
}

export function startExpirySweeper(options: ExpirySweeperOptions): ExpirySweeper {
  const { sessions, oneTimeTokens, mailOutbox, mfa, clock, logger } = options;
  const { intervalMs = 60_000, batchSize = DEFAULT_BATCH_SIZE } = options;
  let stopped = false;
  let running: Promise<unknown> | undefined;

  /** Runs `batch` until it says it came back short (or the sweeper stops), yielding a turn between batches. */
  async function untilShort(batch: (now: Date) => Promise<boolean>): Promise<void> {
    while (!stopped) {
      if (!(await batch(new Date(clock.now())))) return;
      await nextTurn();
    }
  }

  async function sweep(): Promise<ExpirySweepResult> {
    const removed = {
      refreshTokens: 0,
      sessions: 0,
      oneTimeTokens: 0,
      finishedMails: 0,
      mfaChallenges: 0,
      mfaPendingFactors: 0,
      mfaRecoveryCodes: 0,
    };
    await untilShort(async (now) => {
      const batch = await sessions.sweepExpired(now, batchSize);
      removed.refreshTokens += batch.refreshTokens;
      removed.sessions += batch.sessions;
      return batch.refreshTokens >= batchSize || batch.sessions >= batchSize;
    });
    await untilShort(async (now) => {
      const swept = await oneTimeTokens.sweepExpiredOneTimeTokens(now, batchSize);
      removed.oneTimeTokens += swept;
      return swept >= batchSize;
    });
    await untilShort(async (now) => {
      const batch = await mfa.sweepExpiredMfa(now, batchSize);
      removed.mfaChallenges += batch.challenges;
      removed.mfaPendingFactors += batch.pendingFactors;
      removed.mfaRecoveryCodes += batch.recoveryCodes;
      return Object.values(batch).some((count) => count >= batchSize);
    });
    await untilShort(async (now) => {
      const before = new Date(now.getTime() - FINISHED_MAIL_KEPT_MS);
      const swept = await mailOutbox.sweepFinishedMails(before, batchSize);
      removed.finishedMails += swept;
      return swept >= batchSize;
    });
    return removed;
  }

  const timer = setInterval(() => {
    if (running) return;
    const startedAt = clock.now();
    running = sweep()
      .then((removed) => {
        if (Object.values(removed).some((count) => count > 0)) {
          // How long it took says whether a backlog is being worked off (a sweep that runs for minutes).
          logger.info({ removed, durationMs: clock.now() - startedAt }, 'expired records swept');
        }
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'expiry sweep failed');
      })
      .finally(() => {
        running = undefined;
      });
  }, intervalMs);
  timer.unref();

  return {
    sweep,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
