// How often one address may be sent a mail of one purpose: once a minute and five times a day (DESIGN section 8).
// A request over the limit is answered exactly like any other (202), so the limit tells nobody whether the address
// has an account; and it is counted before the account is looked up, for every address alike.
import { accountSubject } from '../auth/login-throttle.js';
import type { CounterStore } from '../limits/counter-store.js';

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
const PER_DAY = 5;

export interface MailCooldown {
  /** Counts a mail of `purpose` to `email`; false when one was sent in the last minute, or five today. */
  allows(purpose: string, email: string): Promise<boolean>;
}

export function createMailCooldown(counters: CounterStore): MailCooldown {
  return {
    async allows(purpose, email) {
      // The login lock's subject for the address: a hash, so the shared counters hold no personal data.
      const subject = accountSubject(email);
      const minute = await counters.increment(`mail-minute:${purpose}:${subject}`, MINUTE_MS);
      const day = await counters.increment(`mail-day:${purpose}:${subject}`, DAY_MS);
      return minute.count === 1 && day.count <= PER_DAY;
    },
  };
}
