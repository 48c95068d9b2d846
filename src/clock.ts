// The time source. Injected everywhere, so expiry is tested by moving a fake clock, never by sleeping.

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
