// Per-account login throttling over in-memory counters and a fake clock: the backoff schedule, when a lock starts and
// ends, and that the counters it keeps carry no part of the email.
import { describe, expect, it, onTestFinished } from 'vitest';
import { createLoginThrottle, lockDurationMs } from '../../src/auth/login-throttle.js';
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

function throttleAt(maxFailures = 3) {
  const clock = new FakeClock();
  const counters = recordingStore(createMemoryCounterStore(clock));
  onTestFinished(() => counters.store.close());
  const throttle = createLoginThrottle(counters.store, maxFailures);
  const failTimes = async (times: number, email = EMAIL) => {
    for (let failure = 1; failure < times; failure += 1) await throttle.recordFailure(email);
    return throttle.recordFailure(email);
  };
  return { clock, throttle, failTimes, keys: counters.keys, store: counters.store };
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
  it('when an account has failed fewer times than the threshold, then it is not locked', async () => {
    const { throttle, failTimes } = throttleAt(3);

    expect(await failTimes(2)).toEqual({ failures: 2, lockedForMs: 0 });
    expect(await throttle.isLocked(EMAIL)).toBe(false);
  });

  it('when an account reaches the threshold, then it is locked for one minute', async () => {
    const { throttle, failTimes } = throttleAt(3);

    expect(await failTimes(3)).toEqual({ failures: 3, lockedForMs: MINUTE });
    expect(await throttle.isLocked(EMAIL)).toBe(true);
  });

  it('when the first lock has run for 59 s, then it holds, and at 60 s it is lifted', async () => {
    const { clock, throttle, failTimes } = throttleAt(3);
    await failTimes(3);

    clock.advance('59s');
    expect(await throttle.isLocked(EMAIL)).toBe(true);
    clock.advance('1s');
    expect(await throttle.isLocked(EMAIL)).toBe(false);
  });

  it('when the account fails again after a lock is lifted, then the next lock is twice as long', async () => {
    const { clock, throttle, failTimes } = throttleAt(3);
    await failTimes(3);
    clock.advance('60s');

    expect(await throttle.recordFailure(EMAIL)).toEqual({ failures: 4, lockedForMs: 2 * MINUTE });
    clock.advance('119s');
    expect(await throttle.isLocked(EMAIL)).toBe(true);
    clock.advance('1s');
    expect(await throttle.isLocked(EMAIL)).toBe(false);
  });

  it('when a locked account is reset, then it is unlocked and its failures count from one again', async () => {
    const { throttle, failTimes } = throttleAt(3);
    await failTimes(4);

    await throttle.reset(EMAIL);

    expect(await throttle.isLocked(EMAIL)).toBe(false);
    expect(await throttle.recordFailure(EMAIL)).toEqual({ failures: 1, lockedForMs: 0 });
  });

  it('when one account is locked, then another account is neither locked nor charged', async () => {
    const { throttle, failTimes } = throttleAt(3);
    const other = 'adalovelace@example.com';
    await failTimes(3);

    expect(await throttle.isLocked(other)).toBe(false);
    expect(await throttle.recordFailure(other)).toEqual({ failures: 1, lockedForMs: 0 });
    expect(await throttle.isLocked(EMAIL)).toBe(true);
  });

  it('when two throttles share one counter store, then failures counted by one lock the account for both', async () => {
    const { throttle, store } = throttleAt(3);
    const elsewhere = createLoginThrottle(store, 3);
    await throttle.recordFailure(EMAIL);
    await elsewhere.recordFailure(EMAIL);

    expect(await throttle.recordFailure(EMAIL)).toEqual({ failures: 3, lockedForMs: MINUTE });
    expect(await elsewhere.isLocked(EMAIL)).toBe(true);
  });
});

describe('login throttle counter keys', () => {
  async function keysFor(email: string) {
    const { throttle, failTimes, keys } = throttleAt(3);
    await failTimes(3, email);
    await throttle.isLocked(email);
    await throttle.reset(email);
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
