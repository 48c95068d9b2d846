// Failed-password throttling, per subject (an account, or a signed-in session) and client class (one trusted
// device, or every untrusted client of an account). A check reserves its failure slot before the slow hash compare,
// in the shared counters, so whatever the concurrency and however many instances count, no more than the threshold
// of wrong passwords is compared before a lock, and one a lock period after it. A correct password gives the slot
// back and clears the class; a wrong one keeps it. Locks grow 1, 2, 4 … 15 minutes; attempts refused during a lock
// are not counted, so a lock always runs out.
//
// A reservation that meets a lock while other attempts of the class are still comparing waits for them before it is
// refused: one of them may be the right password, whose success lifts the lock. Otherwise the owner's own parallel
// logins (a script, several tabs) would lock each other out merely by being in flight together.
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../clock.js';
import type { CounterStore } from '../limits/counter-store.js';

const MINUTE = 60_000;
/**
 * How long failures are remembered: the count starts afresh a day after its first failure. (A fixed window: steady
 * failures get the threshold's few free attempts once a day, then the growing locks again.)
 */
const FAILURE_MEMORY_MS = 24 * 60 * MINUTE;
const FIRST_LOCK_MS = MINUTE;
const LONGEST_LOCK_MS = 15 * MINUTE;
/**
 * How often a reservation that met a lock looks again while attempts of its class are still comparing (real time:
 * they take a bcrypt compare's time, 0.6 s and more at cost 13 on a loaded machine). It waits as long as some are,
 * up to COMPARING_MEMORY_MS: at most LOGIN_THROTTLE_FAILURES compares are ever in flight, so the wait is theirs.
 */
const SETTLE_POLL_MS = [25, 50, 100, 200];
const LONGEST_POLL_MS = 250;
/** An attempt still counted as comparing after this long has died with its process; it no longer holds others up. */
const COMPARING_MEMORY_MS = 10_000;

/** The lock a reservation of the `failures`-th slot starts: none below the threshold, then doubling up to 15 min. */
export function lockDurationMs(failures: number, maxFailures: number): number {
  if (failures < maxFailures) return 0;
  return Math.min(FIRST_LOCK_MS * 2 ** (failures - maxFailures), LONGEST_LOCK_MS);
}

/** A reserved attempt: compare only when not locked, then say how it went. */
export interface Attempt {
  /** The class is locked: the password must not be compared (compare against a dummy, for equal timing). */
  readonly locked: boolean;
  /** While locked: seconds until the lock ends. */
  readonly retryAfterSeconds: number;
  /** The password was right: the slot is given back and the class's failures and lock are cleared. */
  succeeded(): Promise<void>;
  /** The password was wrong: the slot stays counted. `lockedForMs` > 0 when this attempt's failure started a lock. */
  failed(): Promise<{ failures: number; lockedForMs: number }>;
}

export interface LoginThrottle {
  reserve(subject: string, clientClass: string): Promise<Attempt>;
  /** Forgets the class's failures and lock (a password reset clears an account's locks). */
  clear(subject: string, clientClass: string): Promise<void>;
}

/** The subject of an account: a hash of its normalized email, so the shared counters hold no personal data. */
export const accountSubject = (email: string) =>
  `account:${createHash('sha256').update(email).digest('base64url').slice(0, 22)}`;

export const sessionSubject = (sessionId: string) => `session:${sessionId}`;

export function createLoginThrottle(
  counters: CounterStore,
  maxFailures: number,
  clock: Clock,
): LoginThrottle {
  const keys = (subject: string, clientClass: string) => ({
    failures: `login-failures:${subject}:${clientClass}`,
    lock: `login-lock:${subject}:${clientClass}`,
    comparing: `login-comparing:${subject}:${clientClass}`,
  });
  type Keys = ReturnType<typeof keys>;
  const clear = async (subject: string, clientClass: string) => {
    const { failures, lock } = keys(subject, clientClass);
    await Promise.all([counters.reset(failures), counters.reset(lock)]);
  };

  /** One try at a slot: an attempt that may compare, or a refusal while the class is locked. */
  async function reserveOnce(key: Keys, settle: () => Promise<void>): Promise<Attempt> {
    const slot = (await counters.increment(key.failures, FAILURE_MEMORY_MS)).count;
    const lockedForMs = lockDurationMs(slot, maxFailures);
    // Below the threshold, the slot is the attempt's own. From the threshold on, only the attempt that opens a
    // lock period compares (the last free slot, or the one probe after a lock ends); the lock is in place before
    // its compare, so attempts racing it are refused.
    const lock = lockedForMs === 0 ? undefined : await counters.increment(key.lock, lockedForMs);
    if (lock !== undefined && lock.count > 1) {
      await counters.decrement(key.failures);
      return lockedAttempt(Math.max(1, Math.ceil((lock.resetAt - clock.now()) / 1000)));
    }
    await counters.increment(key.comparing, COMPARING_MEMORY_MS);
    const done = () => counters.decrement(key.comparing);
    return {
      locked: false,
      retryAfterSeconds: 0,
      succeeded: async () => {
        await settle();
        await done();
      },
      failed: async () => {
        await done();
        return { failures: slot, lockedForMs };
      },
    };
  }

  return {
    clear,
    async reserve(subject, clientClass) {
      const key = keys(subject, clientClass);
      const settle = () => clear(subject, clientClass);
      // Real time, not the injected clock: what it waits for is other requests' compares.
      const giveUpAt = Date.now() + COMPARING_MEMORY_MS;
      let attempt = await reserveOnce(key, settle);
      for (let poll = 0; attempt.locked && Date.now() < giveUpAt; poll += 1) {
        const comparing = (await counters.get(key.comparing))?.count ?? 0;
        if (comparing === 0) break;
        await sleep(SETTLE_POLL_MS[poll] ?? LONGEST_POLL_MS);
        attempt = await reserveOnce(key, settle);
      }
      return attempt;
    },
  };
}

function lockedAttempt(retryAfterSeconds: number): Attempt {
  return {
    locked: true,
    retryAfterSeconds,
    succeeded: () => Promise.resolve(),
    failed: () => Promise.resolve({ failures: 0, lockedForMs: 0 }),
  };
}
