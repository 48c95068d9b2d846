// A clock tests move by hand, so expiry is tested without sleeping.
import type { Clock } from '../../src/clock.js';
import { parseDurationSeconds } from '../../src/config/duration.js';

export class FakeClock implements Clock {
  constructor(private ms = Date.parse('2026-03-01T12:00:00.000Z')) {}

  now(): number {
    return this.ms;
  }

  /** Moves time forward by a duration such as '15m' or '7d'. */
  advance(duration: string): void {
    const seconds = parseDurationSeconds(duration);
    if (seconds === undefined) throw new Error(`not a duration: ${duration}`);
    this.ms += seconds * 1000;
  }
}
