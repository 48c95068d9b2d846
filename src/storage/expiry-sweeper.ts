// Periodically deletes expired refresh tokens and sessions, in bounded batches with a yield between them, so a
// backlog of millions of rows never holds the event loop for long.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Clock } from '../clock.js';
import type { Logger } from '../observability/logger.js';
import type { SessionStore, SweepResult } from './ports/session-store.js';

export interface ExpirySweeperOptions {
  sessions: Pick<SessionStore, 'sweepExpired'>;
  clock: Clock;
  logger: Logger;
  intervalMs?: number;
  batchSize?: number;
}

export interface ExpirySweeper {
  /** One full sweep now: batches until a batch comes back short (or the sweeper stops). Resolves to the rows removed. */
  sweep(): Promise<SweepResult>;
  /** No more batches after the one under way; resolves once that one is done, so the store can close after it. */
  stop(): Promise<void>;
}

export function startExpirySweeper(options: ExpirySweeperOptions): ExpirySweeper {
  const { sessions, clock, logger, intervalMs = 60_000, batchSize = 1000 } = options;
  let stopped = false;
  let running: Promise<unknown> | undefined;

  async function sweep(): Promise<SweepResult> {
    const removed = { refreshTokens: 0, sessions: 0 };
    while (!stopped) {
      const batch = await sessions.sweepExpired(new Date(clock.now()), batchSize);
      removed.refreshTokens += batch.refreshTokens;
      removed.sessions += batch.sessions;
      if (batch.refreshTokens < batchSize && batch.sessions < batchSize) break;
      await nextTurn();
    }
    return removed;
  }

  const timer = setInterval(() => {
    if (running) return;
    running = sweep()
      .then((removed) => {
        if (removed.refreshTokens + removed.sessions > 0) {
          logger.info({ removed }, 'expired records swept');
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
