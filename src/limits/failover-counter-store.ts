// Shared counters that keep working when Redis does not: while Redis is unreachable each instance counts in its own
// memory, so limits still hold per instance (N instances allow up to N times a budget) instead of the auth endpoints
// failing. When Redis answers again, counting goes back to it.
import type { Logger } from '../observability/logger.js';
import type { CounterStore } from './counter-store.js';
import type { RedisCounterStore } from './redis-counter-store.js';

export function createFailoverCounterStore(
  shared: RedisCounterStore,
  local: CounterStore,
  logger: Logger,
): CounterStore {
  let degraded = false;

  async function attempt<T>(operation: (store: CounterStore) => Promise<T>): Promise<T> {
    if (shared.isReady()) {
      try {
        const result = await operation(shared);
        if (degraded) {
          degraded = false;
          logger.info('rate limits are shared through Redis again');
        }
        return result;
      } catch (error) {
        noteDegraded(error);
      }
    } else {
      noteDegraded(undefined);
    }
    return operation(local);
  }

  function noteDegraded(error: unknown): void {
    if (degraded) return;
    degraded = true;
    logger.warn(
      { err: error },
      'Redis unavailable: rate limits and login throttling count per instance until it is back',
    );
  }

  return {
    increment: (key, windowMs) => attempt((store) => store.increment(key, windowMs)),
    get: (key) => attempt((store) => store.get(key)),
    decrement: (key) => attempt((store) => store.decrement(key)),
    reset: (key) => attempt((store) => store.reset(key)),
    // Ready means Redis answers: counting in memory is the fallback, not the configured state.
    ping: () => shared.ping(),
    async close() {
      await Promise.all([shared.close(), local.close()]);
    },
  };
}
