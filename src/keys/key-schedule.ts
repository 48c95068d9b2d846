// When each rotation step becomes safe (DESIGN section 10), as pure arithmetic over a key's dates, so `list` can say
// it ahead of time and `promote` and `retire` refuse by the same rule. A next key signs only after every cache of the
// set without it has expired (JWKS_LEAD_TIME > JWKS_MAX_AGE); a retiring key is deleted only after the last token it
// signed has expired, plus a minute for resource servers whose clocks run behind ours.
import type { SigningKey } from './signing-key-file.js';

export interface RotationTimes {
  /** JWKS_LEAD_TIME: how long a key is published before it may sign. */
  leadTimeSeconds: number;
  /** JWT_ACCESS_TTL: how long the last token a key signed stays valid after it stops signing. */
  accessTtlSeconds: number;
}

/** Clock skew allowed to the resource servers verifying our tokens. */
export const CLOCK_SKEW_SECONDS = 60;

const after = (date: Date, seconds: number) => new Date(date.getTime() + seconds * 1000);

/** When a next key may be promoted: once it has been published for the lead time. */
export function promoteAllowedAt(key: SigningKey, times: RotationTimes): Date {
  return after(key.createdAt, times.leadTimeSeconds);
}

/** When a retiring key may be deleted: once the last token it signed has expired (and the skew has passed). */
export function retireAllowedAt(key: SigningKey, times: RotationTimes): Date {
  return after(key.retiredAt ?? key.createdAt, times.accessTtlSeconds + CLOCK_SKEW_SECONDS);
}

/** What may be done with a key next, and from when (`list`). */
export function nextStepOf(
  key: SigningKey,
  times: RotationTimes,
): { step: 'promote' | 'retire'; allowedAt: Date } | { step: 'none'; why: string } {
  switch (key.state) {
    case 'next':
      return { step: 'promote', allowedAt: promoteAllowedAt(key, times) };
    case 'retiring':
      return { step: 'retire', allowedAt: retireAllowedAt(key, times) };
    case 'active':
      return { step: 'none', why: 'signs until a next key is promoted' };
  }
}
