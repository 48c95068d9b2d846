// The account-wide limit on wrong second-factor codes (DESIGN section 11): 10 failures in 15 minutes lock the
// account's second factor until the window ends. Every attempt reserves its slot in the shared counters before its
// code is checked, so however many run at once and on however many instances, no more than 10 wrong codes are ever
// checked in a window. A right code gives its slot back; earlier failures still count (a success does not buy an
// attacker a fresh 10). The lock is only ever reached after the password: an MFA user's login asks for a code only
// once the password was right.
import type { Clock } from '../clock.js';
import type { CounterStore } from '../limits/counter-store.js';

export const MFA_MAX_FAILURES = 10;
export const MFA_FAILURE_WINDOW_MS = 15 * 60_000;

export type MfaReservation =
  | { locked: true; retryAfterSeconds: number }
  | {
      locked: false;
      /** The code was right: the slot is given back. */
      succeeded(): Promise<void>;
      /** The code was wrong: the slot stays counted; `lockedNow` when this failure was the window's first to lock. */
      failed(): Promise<{ lockedNow: boolean }>;
    };

export interface MfaLock {
  reserve(userId: string): Promise<MfaReservation>;
  /** Seconds until the lock ends when the account's second factor is locked now; undefined when it is not. */
  lockedFor(userId: string): Promise<number | undefined>;
}

export function createMfaLock(counters: CounterStore, clock: Clock): MfaLock {
  const keyOf = (userId: string) => `mfa-failures:${userId}`;
  const secondsUntil = (resetAt: number) => Math.max(1, Math.ceil((resetAt - clock.now()) / 1000));
  /**
   * Whether no failure took the tenth slot of this window before. One can: a right code still being checked holds a
   * slot when a wrong code takes the tenth (the account is locked that moment), then gives it back, and the next wrong
   * code takes the tenth again. The owner hears of a window's lock once.
   */
  const firstLockOf = async (userId: string, resetAt: number) => {
    const windowLeftMs = Math.max(1, resetAt - clock.now());
    return (
      (await counters.increment(`mfa-locked:${userId}:${String(resetAt)}`, windowLeftMs)).count ===
      1
    );
  };

  return {
    async reserve(userId) {
      const key = keyOf(userId);
      const slot = await counters.increment(key, MFA_FAILURE_WINDOW_MS);
      if (slot.count > MFA_MAX_FAILURES) {
        // Refused attempts are not failures: the count stays at the cap, and the lock ends with its window.
        await counters.decrement(key);
        return { locked: true, retryAfterSeconds: secondsUntil(slot.resetAt) };
      }
      return {
        locked: false,
        succeeded: () => counters.decrement(key),
        failed: async () => ({
          lockedNow: slot.count === MFA_MAX_FAILURES && (await firstLockOf(userId, slot.resetAt)),
        }),
      };
    },

    async lockedFor(userId) {
      const counter = await counters.get(keyOf(userId));
      if (counter === undefined || counter.count < MFA_MAX_FAILURES) return undefined;
      return secondsUntil(counter.resetAt);
    },
  };
}
