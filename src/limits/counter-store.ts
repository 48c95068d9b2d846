// Fixed-window counters: what rate limits and login throttling count with. One interface, kept in memory per
// instance or shared between instances in Redis. Times come from the injected clock, so windows are tested by moving
// a fake clock.
import type { Clock } from '../clock.js';

export interface Counter {
  count: number;
  /** When the window ends (clock milliseconds). */
  resetAt: number;
}

export interface CounterStore {
  /**
   * Adds one to the key's counter, starting a new window of `windowMs` if it has none or its window has ended.
   * Atomic: concurrent increments of one key are all counted.
   */
  increment(key: string, windowMs: number): Promise<Counter>;
  /** The key's counter in its current window, or undefined when it has none. */
  get(key: string): Promise<Counter | undefined>;
  /** Takes one back (never below zero), within the current window. */
  decrement(key: string): Promise<void>;
  reset(key: string): Promise<void>;
  /** Resolves when the store answers now; rejects otherwise (for readiness checks). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Counters in this process's memory: each instance counts for itself. Expired windows are swept once a minute. */
export function createMemoryCounterStore(clock: Clock, sweepIntervalMs = 60_000): CounterStore {
  const counters = new Map<string, Counter>();
  const live = (key: string) => {
    const counter = counters.get(key);
    if (counter && counter.resetAt > clock.now()) return counter;
    counters.delete(key);
    return undefined;
  };
  const sweep = setInterval(() => {
    const now = clock.now();
    for (const [key, counter] of counters) if (counter.resetAt <= now) counters.delete(key);
  }, sweepIntervalMs);
  sweep.unref();

  return {
    increment(key, windowMs) {
      const counter = live(key) ?? { count: 0, resetAt: clock.now() + windowMs };
      counter.count += 1;
      counters.set(key, counter);
      return Promise.resolve({ ...counter });
    },
    get(key) {
      const counter = live(key);
      return Promise.resolve(counter && { ...counter });
    },
    decrement(key) {
      const counter = live(key);
      if (counter && counter.count > 0) counter.count -= 1;
      return Promise.resolve();
    },
    reset(key) {
      counters.delete(key);
      return Promise.resolve();
    },
    ping() {
      return Promise.resolve();
    },
    close() {
      clearInterval(sweep);
      counters.clear();
      return Promise.resolve();
    },
  };
}
