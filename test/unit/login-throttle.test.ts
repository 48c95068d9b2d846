// Failed-password throttling over in-memory counters and a fake clock: reservations before the compare (racing
// attempts included, through one or two throttles), the backoff schedule, classes kept apart, and counter keys that
// carry no part of the email.
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  accountSubject,
  createLoginThrottle,
  lockDurationMs,
} from '../../src/auth/login-throttle.js';
import { createMemoryCounterStore, type CounterStore } from '../../src/limits/counter-store.js';
import { FakeClock } from '../helpers/fake-clock.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const EMAIL = 'gracehopper@example.com';

/** A counter store that notes every key it is asked about. */
function recordingStore(inner: CounterStore) {
  const keys: string[] = [];
  const noted = (key: string) => {
    keys.push(key);
    return key;
  };
  const store: CounterStore = {
    increment: (key, windowMs) => inner.increment(noted(key), windowMs),
    get: (key) => inner.get(noted(key)),
    decrement: (key) => inner.decrement(noted(key)),
    reset: (key) => inner.reset(noted(key)),
    ping: () => inner.ping(),
    close: () => inner.close(),
  };
  return { store, keys };
}

const SUBJECT = accountSubject(EMAIL);
const UNTRUSTED = 'untrusted';

function throttleAt(maxFailures = 3) {
  const clock = new FakeClock();
  const counters = recordingStore(createMemoryCounterStore(clock));
  onTestFinished(() => counters.store.close());
  const throttle = createLoginThrottle(counters.store, maxFailures, clock);
  /** `times` wrong passwords in turn; resolves to what the last one's failure said. */
  const failTimes = async (times: number, subject = SUBJECT, clientClass = UNTRUSTED) => {
    let last = { failures: 0, lockedForMs: 0 };
    for (let failure = 0; failure < times; failure += 1) {
      last = await (await throttle.reserve(subject, clientClass)).failed();
    }
    return last;
  };
  const isLocked = async (subject = SUBJECT, clientClass = UNTRUSTED) => {
    const attempt = await throttle.reserve(subject, clientClass);
    // A probe that is let through gives its slot back, as a right password would not clear: count it as unused.
    if (!attempt.locked) await counters.store.decrement(`login-failures:${subject}:${clientClass}`);
    return attempt.locked;
  };
  return { clock, throttle, failTimes, isLocked, keys: counters.keys, store: counters.store };
}

describe('lockDurationMs', () => {
  it.each([
    [0, 0],
    [4, 0],
    [5, 1 * MINUTE],
    [6, 2 * MINUTE],
    [7, 4 * MINUTE],
    [8, 8 * MINUTE],
    [9, 15 * MINUTE],
    [10, 15 * MINUTE],
    [1000, 15 * MINUTE],
  ])(
    'when %i failures are counted with a threshold of 5, then the lock is %i ms',
    (failures, ms) => {
      expect(lockDurationMs(failures, 5)).toBe(ms);
    },
  );
});

describe('login throttle', () => {
  it('when an account has failed fewer times than the threshold, then the next attempt may compare', async () => {
    const { throttle, failTimes } = throttleAt(3);

    expect(await failTimes(1)).toEqual({ failures: 1, lockedForMs: 0 });
    expect((await throttle.reserve(SUBJECT, UNTRUSTED)).locked).toBe(false);
  });

  it('when the last free attempt fails, then it started a one-minute lock, and the next is refused', async () => {
    const { throttle, failTimes } = throttleAt(3);

    expect(await failTimes(3)).toEqual({ failures: 3, lockedForMs: MINUTE });
    const refused = await throttle.reserve(SUBJECT, UNTRUSTED);
    expect(refused.locked).toBe(true);
    expect(refused.retryAfterSeconds).toBe(60);
  });

  it('when the first lock has run for 59 s, then it holds, and at 60 s one attempt may compare', async () => {
    const { clock, throttle, failTimes } = throttleAt(3);
    await failTimes(3);

    clock.advance('59s');
    expect((await throttle.reserve(SUBJECT, UNTRUSTED)).locked).toBe(true);
    clock.advance('1s');
    expect((await throttle.reserve(SUBJECT, UNTRUSTED)).locked).toBe(false);
    expect((await throttle.reserve(SUBJECT, UNTRUSTED)).locked).toBe(true);
  });

  it('when the attempt after a lock fails too, then the next lock is twice as long', async () => {
    const { clock, throttle, failTimes } = throttleAt(3);
    await failTimes(3);
    clock.advance('60s');

    expect(await (await throttle.reserve(SUBJECT, UNTRUSTED)).failed()).toEqual({
      failures: 4,
      lockedForMs: 2 * MINUTE,
    });
    clock.advance('119s');
    expect((await throttle.reserve(SUBJECT, UNTRUSTED)).locked).toBe(true);
    clock.advance('1s');
    expect((await throttle.reserve(SUBJECT, UNTRUSTED)).locked).toBe(false);
  });

  it('when an attempt succeeds, then the failures and any lock are cleared', async () => {
    const { throttle, failTimes } = throttleAt(3);
    await failTimes(2);

    await (await throttle.reserve(SUBJECT, UNTRUSTED)).succeeded();

    expect(await failTimes(1)).toEqual({ failures: 1, lockedForMs: 0 });
  });

  it('when a locked class is cleared (a password reset), then it is unlocked and counts from one again', async () => {
    const { throttle, failTimes } = throttleAt(3);
    await failTimes(4);

    await throttle.clear(SUBJECT, UNTRUSTED);

    expect(await failTimes(1)).toEqual({ failures: 1, lockedForMs: 0 });
  });

  it('when many attempts race on one class, then no more than the threshold may compare', async () => {
    const { throttle } = throttleAt(3);

    const attempts = await Promise.all(
      Array.from({ length: 40 }, () => throttle.reserve(SUBJECT, UNTRUSTED)),
    );

    expect(attempts.filter((attempt) => !attempt.locked)).toHaveLength(3);
  });

  it('when attempts race through two throttles over one counter store (two instances), then the threshold holds across both', async () => {
    const { throttle, store, clock } = throttleAt(3);
    const elsewhere = createLoginThrottle(store, 3, clock);

    const attempts = await Promise.all(
      Array.from({ length: 40 }, (_, index) =>
        (index % 2 === 0 ? throttle : elsewhere).reserve(SUBJECT, UNTRUSTED),
      ),
    );

    expect(attempts.filter((attempt) => !attempt.locked)).toHaveLength(3);
  });

  it('when the untrusted clients of an account are locked, then a device of it and another account are not', async () => {
    const { throttle, failTimes } = throttleAt(3);
    await failTimes(3);

    expect((await throttle.reserve(SUBJECT, 'device:abc')).locked).toBe(false);
    expect(
      (await throttle.reserve(accountSubject('adalovelace@example.com'), UNTRUSTED)).locked,
    ).toBe(false);
    expect((await throttle.reserve(SUBJECT, UNTRUSTED)).locked).toBe(true);
  });
});

describe('login throttle counter keys', () => {
  async function keysFor(email: string) {
    const { failTimes, isLocked, keys, throttle } = throttleAt(3);
    await failTimes(3, accountSubject(email));
    await isLocked(accountSubject(email));
    await throttle.clear(accountSubject(email), UNTRUSTED);
    return keys;
  }
  it('when an account is counted, locked and reset, then no counter key holds any part of its email', async () => {
    const keys = await keysFor(EMAIL);

    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(key.toLowerCase()).not.toContain('gracehopper');
      expect(key.toLowerCase()).not.toContain('example.com');
    }
  });

  it('when the same email is throttled twice, then it maps to the same keys, and another email to others', async () => {
    const first = new Set(await keysFor(EMAIL));
    const second = new Set(await keysFor(EMAIL));
    const other = new Set(await keysFor('adalovelace@example.com'));

    expect(second).toEqual(first);
    expect(first.size).toBeGreaterThan(0);
    expect([...other].filter((key) => first.has(key))).toEqual([]);
  });
});
