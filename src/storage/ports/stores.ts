// Every port an adapter serves, opened together on one database. A new capability adds its port here and a file of
// its own beside the others (ports/, each adapter, test/contract/); the existing ports do not change.
import type { MailOutbox } from './mail-outbox.js';
import type { MfaStore } from './mfa-store.js';
import type { OneTimeTokenStore } from './one-time-token-store.js';
import type { SessionStore } from './session-store.js';
import type { UserStore } from './user-store.js';

export interface Stores {
  readonly users: UserStore;
  readonly sessions: SessionStore;
  readonly mailOutbox: MailOutbox;
  readonly oneTimeTokens: OneTimeTokenStore;
  readonly mfa: MfaStore;
  /** Resolves when the database answers a trivial query now; rejects otherwise (for readiness checks). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The database cannot be reached or written right now (down, read-only, locked). Adapters throw this instead of
 * their driver's error, so the HTTP layer can answer 503 without knowing any driver.
 */
export class StoreUnavailableError extends Error {
  constructor(options?: { cause?: unknown }) {
    super('The store is unavailable', options);
    this.name = 'StoreUnavailableError';
  }
}
