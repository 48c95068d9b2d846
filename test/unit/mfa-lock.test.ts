// The account-wide lock on wrong second-factor codes (src/mfa/mfa-lock.ts) over memory counters and a fake clock:
// 10 failures in 15 minutes lock, a refused attempt is not counted, a right code gives its slot back, and the lock
// ends with its window.
import fc from 'fast-check';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createMemoryCounterStore } from '../../src/limits/counter-store.js';
import { createMfaLock, MFA_MAX_FAILURES, type MfaReservation } from '../../src/mfa/mfa-lock.js';
import { FakeClock } from '../helpers/fake-clock.js';

const USER = 'user-1';

function lockRig() {
  const clock = new FakeClock();
  const counters = createMemoryCounterStore(clock);
  onTestFinished(() => counters.close());
  const lock = createMfaLock(counters, clock);
  const failuresCounted = async () => (await counters.get(`mfa-failures:${USER}`))?.count ?? 0;
  return { clock, lock, failuresCounted };
}

type Open = Extract<MfaReservation, { locked: false }>;

function expectOpen(reservation: MfaReservation): Open {
  expect(reservation.locked).toBe(false);
  return reservation as Open;
}

/** `count` wrong codes in a row: whether each was the one that locked. */
async function fail(lock: ReturnType<typeof createMfaLock>, count: number): Promise<boolean[]> {
  const lockedNow: boolean[] = [];
  for (let each = 0; each < count; each += 1) {
    lockedNow.push((await expectOpen(await lock.reserve(USER)).failed()).lockedNow);
  }
  return lockedNow;
}

describe('the MFA lock', () => {
  it('when 10 codes are wrong, then the 10th locks, and the 11th attempt is refused for the rest of the window without being counted', async () => {
    const { clock, lock, failuresCounted } = lockRig();

    const lockedNow = await fail(lock, MFA_MAX_FAILURES);
    clock.advance('5m');
    const eleventh = await lock.reserve(USER);
    const twelfth = await lock.reserve(USER);

    expect(MFA_MAX_FAILURES).toBe(10);
    expect(lockedNow).toEqual([...Array<boolean>(9).fill(false), true]);
    expect(eleventh).toEqual({ locked: true, retryAfterSeconds: 10 * 60 });
    expect(twelfth).toEqual({ locked: true, retryAfterSeconds: 10 * 60 });
    expect(await failuresCounted()).toBe(10);
    expect(await lock.lockedFor(USER)).toBe(10 * 60);
    expect(await lock.lockedFor('someone-else')).toBeUndefined();
  });

  it('when a code is right, then its slot is given back, but earlier failures still count', async () => {
    const { lock, failuresCounted } = lockRig();
    await fail(lock, 9);

    await expectOpen(await lock.reserve(USER)).succeeded();

    expect(await failuresCounted()).toBe(9);
    expect(await lock.lockedFor(USER)).toBeUndefined();
    expect(await fail(lock, 1)).toEqual([true]);
    expect((await lock.reserve(USER)).locked).toBe(true);
  });

  it('when the 15-minute window ends, then the lock is over and counting starts again', async () => {
    const { clock, lock, failuresCounted } = lockRig();
    await fail(lock, MFA_MAX_FAILURES);
    clock.advance('14m');
    expect(await lock.reserve(USER)).toEqual({ locked: true, retryAfterSeconds: 60 });

    clock.advance('1m');

    expect(await lock.lockedFor(USER)).toBeUndefined();
    expect((await lock.reserve(USER)).locked).toBe(false);
    expect(await failuresCounted()).toBe(1);
  });

  it('when 25 attempts reserve at once, then exactly 10 are let through to a check', async () => {
    const { lock } = lockRig();

    const reservations = await Promise.all(Array.from({ length: 25 }, () => lock.reserve(USER)));

    expect(reservations.filter((reservation) => !reservation.locked)).toHaveLength(10);
  });

  it('when any sequence of right and wrong codes is tried, then no more than 10 wrong ones are ever checked in a window', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.boolean(), { maxLength: 40 }), async (rightCodes) => {
        const { lock } = lockRig();
        let wrongChecked = 0;
        for (const right of rightCodes) {
          const reservation = await lock.reserve(USER);
          if (reservation.locked) continue;
          if (right) await reservation.succeeded();
          else {
            wrongChecked += 1;
            await reservation.failed();
          }
        }
        expect(wrongChecked).toBeLessThanOrEqual(MFA_MAX_FAILURES);
        expect(wrongChecked).toBe(Math.min(MFA_MAX_FAILURES, rightCodes.filter((r) => !r).length));
      }),
    );
  });
});
