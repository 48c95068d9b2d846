// Records and arrangements the storage contract builds its cases from: fixed instants (no test depends on the wall
// clock), valid records for every adapter, and a fresh store per test.
import { randomBytes, randomUUID } from 'node:crypto';
import { onTestFinished } from 'vitest';
import type {
  AuthStore,
  NewRefreshToken,
  NewSession,
  NewUser,
  SweepResult,
  UserRecord,
} from '../../src/storage/ports.js';

export const T0 = Date.parse('2030-01-01T00:00:00.000Z');
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
/** A fixed instant `ms` after T0: no test depends on the wall clock. */
export const at = (ms: number) => new Date(T0 + ms);
export const ROTATED = { outcome: 'rotated' };
/** How a token reads back when it was stored and never used. */
export const unused = (token: NewRefreshToken) => ({ ...token, usedAt: null, replacedById: null });
/** The 'reused' outcome for a token of `session` first used at `usedAt`. */
export const reusedIn = (session: NewSession, usedAt: Date) => ({
  outcome: 'reused',
  sessionId: session.id,
  userId: session.userId,
  usedAt,
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

export type OpenStore = () => Promise<AuthStore>;

/** Arrangements over a fresh store of the adapter under test. */
export function contractHelpers(openStore: OpenStore) {
  async function freshStore(): Promise<AuthStore> {
    const store = await openStore();
    onTestFinished(() => store.close());
    return store;
  }

  async function createdUser(store: AuthStore, overrides: Partial<NewUser> = {}) {
    const result = await store.createUser(newUser(overrides));
    if (result.outcome !== 'created') throw new Error(`arrange: createUser was ${result.outcome}`);
    return result.user;
  }

  /** A user with one open session and its first refresh token. */
  async function loggedIn(
    store: AuthStore,
    sessionOverrides: Partial<NewSession> = {},
    tokenOverrides: Partial<NewRefreshToken> = {},
    user?: UserRecord,
  ) {
    const owner = user ?? (await createdUser(store));
    const session = newSession(owner.id, sessionOverrides);
    const token = newToken(session, tokenOverrides);
    await store.openSession(session, token);
    return { user: owner, session, token };
  }

  async function lastUsedAt(store: AuthStore, sessionId: string, now: Date) {
    return (await store.findLiveSession(sessionId, now))?.session.lastUsedAt;
  }

  async function sweepRepeatedly(store: AuthStore, now: Date, limit: number, calls: number) {
    const batches: SweepResult[] = [];
    for (let call = 0; call < calls; call += 1) batches.push(await store.sweepExpired(now, limit));
    return batches;
  }

  return { freshStore, createdUser, loggedIn, lastUsedAt, sweepRepeatedly };
}

export type ContractHelpers = ReturnType<typeof contractHelpers>;
