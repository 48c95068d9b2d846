// The login lock's race guarantee, over a given counter store: whatever the concurrency, of the reservations for one
// account and class in a lock window at most LOGIN_THROTTLE_FAILURES may compare, also when several instances
// (throttles) share the store. It holds only because the store's increment is atomic; so it runs on every counter
// store (memory here, Redis in the system tier).
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  accountSubject,
  createLoginThrottle,
  type LoginThrottle,
} from '../../src/auth/login-throttle.js';
import type { OpenCounterStore } from './counter-store-contract.js';
import { FakeClock } from '../helpers/fake-clock.js';

const MAX_FAILURES = 5;

/** A login with a wrong password: reserve, and when allowed, compare (a short wait) and fail. */
async function wrongPassword(throttle: LoginThrottle, subject: string) {
  const attempt = await throttle.reserve(subject, 'untrusted');
  if (attempt.locked) return 'refused';
  await sleep(10); // the compare
  await attempt.failed();
  return 'compared';
}

export function describeLoginThrottleRaces(name: string, open: OpenCounterStore): void {
  async function freshThrottles(instances: number) {
    const clock = new FakeClock();
    const store = await open(clock);
    onTestFinished(() => store.close());
    const throttles = Array.from({ length: instances }, () =>
      createLoginThrottle(store, MAX_FAILURES, clock),
    );
    /** The instance that serves the i-th attempt, in turn. */
    const instance = (i: number): LoginThrottle => {
      const throttle = throttles[i % instances];
      if (!throttle) throw new Error('no such instance');
      return throttle;
    };
    return { clock, instance };
  }
  // A subject of its own per test: the Redis store outlives a test's keys.
  let subjects = 0;
  const newSubject = () => {
    subjects += 1;
    return accountSubject(`race-${String(subjects)}-${String(Date.now())}@example.com`);
  };

  describe(`${name}: login reservations`, () => {
    it('when 50 wrong-password reservations race on one account, then exactly LOGIN_THROTTLE_FAILURES may compare', async () => {
      const { instance } = await freshThrottles(1);
      const subject = newSubject();

      const outcomes = await Promise.all(
        Array.from({ length: 50 }, (_, i) => wrongPassword(instance(i), subject)),
      );

      expect(outcomes.filter((outcome) => outcome === 'compared')).toHaveLength(MAX_FAILURES);
    });

    it('when reservations race through three instances, then the bound holds across them', async () => {
      const { instance } = await freshThrottles(3);
      const subject = newSubject();

      const outcomes = await Promise.all(
        Array.from({ length: 60 }, (_, i) => wrongPassword(instance(i), subject)),
      );

      expect(outcomes.filter((outcome) => outcome === 'compared')).toHaveLength(MAX_FAILURES);
    });

    it('when 12 right passwords race through three instances, then every one may compare: none is refused for being in flight', async () => {
      const { instance } = await freshThrottles(3);
      const subject = newSubject();

      const outcomes = await Promise.all(
        Array.from({ length: 12 }, async (_, i) => {
          const attempt = await instance(i).reserve(subject, 'untrusted');
          if (attempt.locked) return 'refused';
          await sleep(20); // the compare
          await attempt.succeeded();
          return 'signed in';
        }),
      );

      expect(outcomes).toEqual(Array.from({ length: 12 }, () => 'signed in'));
    });

    it('when wrong passwords have locked the class while others were in flight, then the waiting ones are refused', async () => {
      const { instance } = await freshThrottles(1);
      const subject = newSubject();

      const outcomes = await Promise.all(
        Array.from({ length: 12 }, (_, i) => wrongPassword(instance(i), subject)),
      );

      expect(outcomes.filter((outcome) => outcome === 'compared')).toHaveLength(MAX_FAILURES);
    });

    it('when the lock ends and 20 reservations race again, then exactly one probe compares', async () => {
      const { clock, instance } = await freshThrottles(1);
      const subject = newSubject();
      for (let i = 0; i < MAX_FAILURES; i += 1) {
        await (await instance(i).reserve(subject, 'untrusted')).failed();
      }
      clock.advance('1m');

      const outcomes = await Promise.all(
        Array.from({ length: 20 }, (_, i) => wrongPassword(instance(i), subject)),
      );

      expect(outcomes.filter((outcome) => outcome === 'compared')).toHaveLength(1);
    });
  });
}
