// Records and arrangements the storage contract builds its cases from: fixed instants (no test depends on the wall
// clock), valid records for every adapter, and a fresh stores per test.
import { randomBytes, randomUUID } from 'node:crypto';
import { onTestFinished } from 'vitest';
import type {
  NewRefreshToken,
  NewSession,
  SweepResult,
} from '../../src/storage/ports/session-store.js';
import type { Stores } from '../../src/storage/ports/stores.js';
import type { NewUser, UserRecord } from '../../src/storage/ports/user-store.js';

export const T0 = Date.parse('2030-01-01T00:00:00.000Z');
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
/** A fixed instant `ms` after T0: no test depends on the wall clock. */
export const at = (ms: number) => new Date(T0 + ms);
export const ROTATED = { outcome: 'rotated' };
/** How a token reads back when it was stored and never used. */
export const unused = (token: NewRefreshToken) => ({ ...token, usedAt: null, replacedById: null });
/** The 'reused' outcome for a token of `session` first used at `usedAt`, `generationsBehind` rotations ago. */
export const reusedIn = (session: NewSession, usedAt: Date, generationsBehind = 1) => ({
  outcome: 'reused',
  sessionId: session.id,
  userId: session.userId,
  usedAt,
  generationsBehind,
});
export const fakeTokenHash = () => randomBytes(32).toString('hex');

export function newUser(overrides: Partial<NewUser> = {}): NewUser {
  return {
    id: randomUUID(),
    email: `${randomUUID()}@example.com`,
    name: 'Ada Lovelace',
    role: 'user',
    // Shaped like a real bcrypt hash (60 characters), which adapters may validate.
    passwordHash: `$2b$04$${randomBytes(40).toString('base64').replace(/[+=]/g, '.').slice(0, 53)}`,
    createdAt: at(0),
    ...overrides,
  };
}

export function newSession(userId: string, overrides: Partial<NewSession> = {}): NewSession {
  return {
    id: randomUUID(),
    userId,
    createdAt: at(0),
    expiresAt: at(30 * DAY),
    userAgent: 'vitest/contract',
    ip: '203.0.113.7',
    amr: ['pwd'],
    ...overrides,
  };
}

export function newToken(
  session: NewSession,
  overrides: Partial<NewRefreshToken> = {},
): NewRefreshToken {
  return {
    id: randomUUID(),
    sessionId: session.id,
    userId: session.userId,
    tokenHash: fakeTokenHash(),
    createdAt: at(0),
    expiresAt: at(7 * DAY),
    ...overrides,
  };
}

export type OpenStores = () => Promise<Stores>;

/** Arrangements over a fresh stores of the adapter under test. */
export function contractHelpers(openStores: OpenStores) {
  async function freshStores(): Promise<Stores> {
    const stores = await openStores();
    onTestFinished(() => stores.close());
    return stores;
  }

  async function createdUser(stores: Stores, overrides: Partial<NewUser> = {}) {
    const result = await stores.users.createUser(newUser(overrides));
    if (result.outcome !== 'created') throw new Error(`arrange: createUser was ${result.outcome}`);
    return result.user;
  }

  /** A user with one open session and its first refresh token. */
  async function loggedIn(
    stores: Stores,
    sessionOverrides: Partial<NewSession> = {},
    tokenOverrides: Partial<NewRefreshToken> = {},
    user?: UserRecord,
  ) {
    const owner = user ?? (await createdUser(stores));
    const session = newSession(owner.id, sessionOverrides);
    const token = newToken(session, tokenOverrides);
    await stores.sessions.openSession(session, token);
    return { user: owner, session, token };
  }

  async function lastUsedAt(stores: Stores, sessionId: string, now: Date) {
    return (await stores.sessions.findLiveSession(sessionId, now))?.session.lastUsedAt;
  }

  async function sweepRepeatedly(stores: Stores, now: Date, limit: number, calls: number) {
    const batches: SweepResult[] = [];
    for (let call = 0; call < calls; call += 1)
      batches.push(await stores.sessions.sweepExpired(now, limit));
    return batches;
  }

  return { freshStores, createdUser, loggedIn, lastUsedAt, sweepRepeatedly };
}

export type ContractHelpers = ReturnType<typeof contractHelpers>;
