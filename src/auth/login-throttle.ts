// Per-account throttling of failed logins, keyed by the normalized email whatever the client's IP: after
// LOGIN_THROTTLE_FAILURES failures the account's logins are locked for a growing interval (1, 2, 4 … at most 15
// minutes); a successful login clears it. Attempts during a lock are not counted, so a lock always runs out.
import { createHash } from 'node:crypto';
import type { CounterStore } from '../limits/counter-store.js';

const MINUTE = 60_000;
/**
 * How long failures are remembered: the count starts afresh a day after its first failure. (A fixed window: steady
 * failures get the threshold's few free attempts once a day, then the growing locks again.)
 */
const FAILURE_MEMORY_MS = 24 * 60 * MINUTE;
const FIRST_LOCK_MS = MINUTE;
const LONGEST_LOCK_MS = 15 * MINUTE;

export interface LoginThrottle {
  isLocked(email: string): Promise<boolean>;
  /** Counts a failure; resolves to how long the account is now locked for (0 when it is not). */
  recordFailure(email: string): Promise<{ failures: number; lockedForMs: number }>;
  reset(email: string): Promise<void>;
}

/** The lock after the `failures`-th failure: none below the threshold, then doubling up to the longest. */
export function lockDurationMs(failures: number, maxFailures: number): number {
  if (failures < maxFailures) return 0;
  return Math.min(FIRST_LOCK_MS * 2 ** (failures - maxFailures), LONGEST_LOCK_MS);
}

// Counter keys carry a hash of the email, not the address, so the shared store holds no personal data.
const accountKey = (email: string) =>
  createHash('sha256').update(email).digest('base64url').slice(0, 22);

export function createLoginThrottle(counters: CounterStore, maxFailures: number): LoginThrottle {
  const failuresKey = (email: string) => `login-failures:${accountKey(email)}`;
  const lockKey = (email: string) => `login-lock:${accountKey(email)}`;

  return {
    async isLocked(email) {
      return (await counters.get(lockKey(email))) !== undefined;
    },

    async recordFailure(email) {
      const { count } = await counters.increment(failuresKey(email), FAILURE_MEMORY_MS);
      const lockedForMs = lockDurationMs(count, maxFailures);
      if (lockedForMs > 0) await counters.increment(lockKey(email), lockedForMs);
      return { failures: count, lockedForMs };
    },

    async reset(email) {
      await Promise.all([counters.reset(failuresKey(email)), counters.reset(lockKey(email))]);
    },
  };
}
