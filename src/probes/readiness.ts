// Whether this instance can serve: the store answers and, when counters are shared, Redis answers, each within a
// bound (a dependency that hangs is as unready as one that refuses). It also tells how far the mail outbox is behind;
// mail waiting (a mail server down) never makes an instance unready, since requests do not wait on mail.
import type { Clock } from '../clock.js';
import type { CounterStore } from '../limits/counter-store.js';
import type { Stores } from '../storage/ports/stores.js';

/** A dependency that has not answered within this long is not ready. */
const READY_CHECK_TIMEOUT_MS = 2000;

export type CheckState = 'ok' | 'unavailable' | 'not configured';

export interface ReadinessDeps {
  stores: Pick<Stores, 'ping' | 'mailOutbox'>;
  clock: Clock;
  counters: Pick<CounterStore, 'ping'>;
  /** Whether counters live in Redis (then Redis is part of readiness). */
  sharedCounters: boolean;
}

export async function checkReadiness(
  deps: ReadinessDeps,
): Promise<{ store: CheckState; redis: CheckState }> {
  const [store, redis] = await Promise.all([
    answers(() => deps.stores.ping()),
    deps.sharedCounters ? answers(() => deps.counters.ping()) : Promise.resolve(true),
  ]);
  return {
    store: store ? 'ok' : 'unavailable',
    redis: deps.sharedCounters ? (redis ? 'ok' : 'unavailable') : 'not configured',
  };
}

export interface OutboxBacklog {
  pending: number;
  /** Seconds since the oldest pending mail was queued; null when none waits. */
  oldestPendingSeconds: number | null;
}

/** How far the mail outbox is behind; undefined when the store did not tell in time. */
export async function outboxBacklog(deps: ReadinessDeps): Promise<OutboxBacklog | undefined> {
  let backlog: OutboxBacklog | undefined;
  await answers(async () => {
    const { count, oldestCreatedAt } = await deps.stores.mailOutbox.pendingMails();
    const ageMs =
      oldestCreatedAt === undefined ? undefined : deps.clock.now() - oldestCreatedAt.getTime();
    backlog = {
      pending: count,
      oldestPendingSeconds: ageMs === undefined ? null : Math.max(0, Math.floor(ageMs / 1000)),
    };
  });
  return backlog;
}

async function answers(check: () => Promise<void>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => {
      resolve(false);
    }, READY_CHECK_TIMEOUT_MS);
  });
  const result = await Promise.race([
    check().then(
      () => true,
      () => false,
    ),
    deadline,
  ]);
  clearTimeout(timer);
  return result;
}
