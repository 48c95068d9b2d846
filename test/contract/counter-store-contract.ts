// The counter contract: what every CounterStore guarantees, driven only through the interface, so the same suite runs
// against memory and Redis. Time moves on a fake clock, never by sleeping; every test opens its own store.
import { randomUUID } from 'node:crypto';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { CounterStore } from '../../src/limits/counter-store.js';
import { FakeClock } from '../helpers/fake-clock.js';

export type OpenCounterStore = (clock: FakeClock) => Promise<CounterStore>;

const MINUTE = 60_000;

export function describeCounterStoreContract(name: string, open: OpenCounterStore): void {
  async function freshStore() {
    const clock = new FakeClock();
    const store = await open(clock);
    onTestFinished(() => store.close());
    return { clock, store };
  }
  const newKey = () => `counter-${randomUUID()}`;

  describe(name, () => {
    describe('increment', () => {
      it('when a key is counted for the first time, then a window starts at 1 ending windowMs from now', async () => {
        const { clock, store } = await freshStore();
        const start = clock.now();

        expect(await store.increment(newKey(), MINUTE)).toEqual({
          count: 1,
          resetAt: start + MINUTE,
        });
      });

      it('when a key is counted again within its window, then the count rises and the window end stays', async () => {
        const { clock, store } = await freshStore();
        const key = newKey();
        const first = await store.increment(key, MINUTE);
        clock.advance('30s');

        await store.increment(key, MINUTE);
        const third = await store.increment(key, 5 * MINUTE);

        expect(third).toEqual({ count: 3, resetAt: first.resetAt });
      });

      it('when the clock reaches the window end, then the next increment starts a new window at 1', async () => {
        const { clock, store } = await freshStore();
        const key = newKey();
        await store.increment(key, MINUTE);
        await store.increment(key, MINUTE);
        clock.advance('1m');

        expect(await store.increment(key, 2 * MINUTE)).toEqual({
          count: 1,
          resetAt: clock.now() + 2 * MINUTE,
        });
      });

      it('when one key is incremented 50 times at once, then all 50 are counted', async () => {
        const { store } = await freshStore();
        const key = newKey();

        await Promise.all(Array.from({ length: 50 }, () => store.increment(key, MINUTE)));

        expect((await store.get(key))?.count).toBe(50);
      });
    });

    describe('get', () => {
      it('when a key was never counted, then get is undefined', async () => {
        const { store } = await freshStore();

        expect(await store.get(newKey())).toBeUndefined();
      });

      it('when a key is in its window, then get returns the live counter', async () => {
        const { clock, store } = await freshStore();
        const key = newKey();
        await store.increment(key, MINUTE);
        const latest = await store.increment(key, MINUTE);
        clock.advance('59s');

        expect(await store.get(key)).toEqual(latest);
      });

      it("when the clock reaches a key's window end, then get is undefined", async () => {
        const { clock, store } = await freshStore();
        const key = newKey();
        await store.increment(key, MINUTE);
        clock.advance('1m');

        expect(await store.get(key)).toBeUndefined();
      });
    });

    describe('decrement', () => {
      it('when a counted key is decremented, then one is taken back and the window end stays', async () => {
        const { store } = await freshStore();
        const key = newKey();
        await store.increment(key, MINUTE);
        const { resetAt } = await store.increment(key, MINUTE);

        await store.decrement(key);

        expect(await store.get(key)).toEqual({ count: 1, resetAt });
        expect(await store.increment(key, MINUTE)).toEqual({ count: 2, resetAt });
      });

      it('when a key is decremented more often than counted, then its count stops at 0', async () => {
        const { store } = await freshStore();
        const key = newKey();
        const { resetAt } = await store.increment(key, MINUTE);

        await store.decrement(key);
        await store.decrement(key);

        expect(await store.get(key)).toEqual({ count: 0, resetAt });
        expect((await store.increment(key, MINUTE)).count).toBe(1);
      });

      it('when a key that was never counted is decremented, then it stays uncounted', async () => {
        const { store } = await freshStore();
        const key = newKey();

        await store.decrement(key);

        expect(await store.get(key)).toBeUndefined();
        expect((await store.increment(key, MINUTE)).count).toBe(1);
      });

      it('when a key whose window ended is decremented, then nothing changes and the next window starts at 1', async () => {
        const { clock, store } = await freshStore();
        const key = newKey();
        await store.increment(key, MINUTE);
        await store.increment(key, MINUTE);
        clock.advance('1m');

        await store.decrement(key);

        expect(await store.get(key)).toBeUndefined();
        expect(await store.increment(key, MINUTE)).toEqual({
          count: 1,
          resetAt: clock.now() + MINUTE,
        });
      });
    });

    describe('reset and independence', () => {
      it('when a key is reset, then it is gone and counting it again starts a new window', async () => {
        const { clock, store } = await freshStore();
        const key = newKey();
        await store.increment(key, MINUTE);
        await store.increment(key, MINUTE);
        clock.advance('10s');

        await store.reset(key);

        expect(await store.get(key)).toBeUndefined();
        expect(await store.increment(key, MINUTE)).toEqual({
          count: 1,
          resetAt: clock.now() + MINUTE,
        });
      });

      it('when one key is counted, decremented or reset, then other keys are untouched', async () => {
        const { store } = await freshStore();
        const [counted, other] = [newKey(), newKey()];
        const otherCounter = await store.increment(other, 5 * MINUTE);

        await store.increment(counted, MINUTE);
        await store.increment(counted, MINUTE);
        await store.decrement(counted);
        await store.reset(counted);

        expect(await store.get(other)).toEqual(otherCounter);
        expect(await store.get(counted)).toBeUndefined();
      });
    });
  });
}
