import { randomUUID } from 'node:crypto';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ErrorCodes } from '../../src/errors/error-catalogue.js';
import type { Stores } from '../../src/storage/ports/stores.js';
import { withSessionCache } from '../../src/storage/session-cache.js';
import { openSqliteStores } from '../../src/storage/sqlite/sqlite-stores.js';
import { registerAndLogIn } from '../helpers/accounts.js';
import { expectError, logout, profile } from '../helpers/api-calls.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { buildTestApp } from '../helpers/test-app.js';

const TTL_MS = 2000;

/** A real store that counts the session lookups that reach it. */
function countingStore() {
  const store = openSqliteStores(':memory:');
  onTestFinished(() => store.close());
  const lookups = { count: 0 };
  const counted: Stores = {
    ...store,
    sessions: {
      ...store.sessions,
      findLiveSession: (sessionId, now) => {
        lookups.count += 1;
        return store.sessions.findLiveSession(sessionId, now);
      },
    },
  };
  return { store: counted, lookups };
}

async function sessionIn(store: Stores, clock: FakeClock, userId = randomUUID()) {
  const at = new Date(clock.now());
  await store.users
    .createUser({
      id: userId,
      email: `${userId}@example.com`,
      name: 'Cached',
      role: 'user',
      passwordHash: `$2b$04$${'a'.repeat(53)}`,
      createdAt: at,
    })
    .catch(() => undefined);
  const session = {
    id: randomUUID(),
    userId,
    createdAt: at,
    expiresAt: new Date(clock.now() + 3_600_000),
    userAgent: null,
    ip: null,
    amr: ['pwd'] as const,
  };
  await store.sessions.openSession(session, {
    id: randomUUID(),
    sessionId: session.id,
    userId,
    tokenHash: randomUUID().replaceAll('-', '').repeat(2),
    createdAt: at,
    expiresAt: session.expiresAt,
  });
  return session;
}

describe('session cache', () => {
  it('when the cache wraps the stores, then the MFA port passes through as it is', () => {
    const { store } = countingStore();
    const cached = withSessionCache(store, { clock: new FakeClock(), ttlMs: TTL_MS });
    expect(cached.mfa).toBe(store.mfa);
  });

  it('when a live session is looked up again within the TTL, then the store is not asked again', async () => {
    const clock = new FakeClock();
    const { store, lookups } = countingStore();
    const cached = withSessionCache(store, { clock, ttlMs: TTL_MS });
    const session = await sessionIn(store, clock);

    const first = await cached.sessions.findLiveSession(session.id, new Date(clock.now()));
    clock.advance('1s');
    const second = await cached.sessions.findLiveSession(session.id, new Date(clock.now()));

    expect(second).toEqual(first);
    expect(lookups.count).toBe(1);
    clock.advance('1s');
    await cached.sessions.findLiveSession(session.id, new Date(clock.now()));
    expect(lookups.count).toBe(2);
  });

  it('when the session reaches its end while cached, then the cache does not serve it', async () => {
    const clock = new FakeClock();
    const { store } = countingStore();
    const cached = withSessionCache(store, { clock, ttlMs: 60_000 });
    const session = await sessionIn(store, clock);
    await cached.sessions.findLiveSession(session.id, new Date(clock.now()));

    expect(await cached.sessions.findLiveSession(session.id, session.expiresAt)).toBeUndefined();
  });

  it.each([
    [
      'revokeSession',
      (s: Stores, ids: { sessionId: string; userId: string }, now: Date) =>
        s.sessions.revokeSession(ids.sessionId, 'logout', now),
    ],
    [
      'revokeUserSessions',
      (s: Stores, ids: { sessionId: string; userId: string }, now: Date) =>
        s.sessions.revokeUserSessions(ids.userId, 'logout_all', now),
    ],
    [
      'softDeleteUser',
      (s: Stores, ids: { sessionId: string; userId: string }, now: Date) =>
        s.users.softDeleteUser(ids.userId, now),
    ],
  ])('when %s goes through the cache, then the next lookup sees it at once', async (_, revoke) => {
    const clock = new FakeClock();
    const { store } = countingStore();
    const cached = withSessionCache(store, { clock, ttlMs: 60_000 });
    const session = await sessionIn(store, clock);
    await cached.sessions.findLiveSession(session.id, new Date(clock.now()));

    await revoke(cached, { sessionId: session.id, userId: session.userId }, new Date(clock.now()));

    expect(
      await cached.sessions.findLiveSession(session.id, new Date(clock.now())),
    ).toBeUndefined();
  });

  it.each([
    [
      'markEmailVerified',
      (s: Stores, userId: string, now: Date) => s.users.markEmailVerified(userId, now),
      { emailVerified: true },
    ],
    [
      'changeEmail',
      (s: Stores, userId: string, now: Date) =>
        s.users.changeEmail(userId, 'moved@example.com', now),
      { email: 'moved@example.com', emailVerified: true },
    ],
  ])(
    "when %s goes through the cache, then the next lookup carries the user's address as it now is",
    async (_, change, expected) => {
      const clock = new FakeClock();
      const { store } = countingStore();
      const cached = withSessionCache(store, { clock, ttlMs: 60_000 });
      const session = await sessionIn(store, clock);
      await cached.sessions.findLiveSession(session.id, new Date(clock.now()));

      await change(cached, session.userId, new Date(clock.now()));

      const live = await cached.sessions.findLiveSession(session.id, new Date(clock.now()));
      expect(live?.user).toMatchObject(expected);
    },
  );

  it("when one user's sessions are revoked, then another user's stay cached", async () => {
    const clock = new FakeClock();
    const { store, lookups } = countingStore();
    const cached = withSessionCache(store, { clock, ttlMs: 60_000 });
    const victim = await sessionIn(store, clock);
    const bystander = await sessionIn(store, clock);
    await cached.sessions.findLiveSession(bystander.id, new Date(clock.now()));

    await cached.sessions.revokeUserSessions(victim.userId, 'logout_all', new Date(clock.now()));
    await cached.sessions.findLiveSession(bystander.id, new Date(clock.now()));

    expect(lookups.count).toBe(1);
  });

  it('when another instance revokes the session, then this cache serves it until its TTL runs out (then never again)', async () => {
    const clock = new FakeClock();
    const { store } = countingStore();
    const here = withSessionCache(store, { clock, ttlMs: TTL_MS });
    const elsewhere = withSessionCache(store, { clock, ttlMs: TTL_MS });
    const session = await sessionIn(store, clock);
    await here.sessions.findLiveSession(session.id, new Date(clock.now()));

    await elsewhere.sessions.revokeSession(session.id, 'logout', new Date(clock.now()));

    expect(await here.sessions.findLiveSession(session.id, new Date(clock.now()))).toBeDefined();
    clock.advance('2s');
    expect(await here.sessions.findLiveSession(session.id, new Date(clock.now()))).toBeUndefined();
  });

  it('when more sessions are looked up than the cache holds, then the oldest is dropped', async () => {
    const clock = new FakeClock();
    const { store, lookups } = countingStore();
    const cached = withSessionCache(store, { clock, ttlMs: 60_000, maxEntries: 2 });
    const sessions = [
      await sessionIn(store, clock),
      await sessionIn(store, clock),
      await sessionIn(store, clock),
    ];
    for (const session of sessions)
      await cached.sessions.findLiveSession(session.id, new Date(clock.now()));

    await cached.sessions.findLiveSession(sessions[2]?.id ?? '', new Date(clock.now()));
    expect(lookups.count).toBe(3);
    await cached.sessions.findLiveSession(sessions[0]?.id ?? '', new Date(clock.now()));
    expect(lookups.count).toBe(4);
  });

  it('when a lookup that began before a revocation finishes after it, then what it read is not cached', async () => {
    const clock = new FakeClock();
    const { store, lookups } = countingStore();
    const session = await sessionIn(store, clock);
    const stale = await store.sessions.findLiveSession(session.id, new Date(clock.now()));
    // The store answers the first lookup only when the test says so: with what it read before the revocation.
    let answerFirstLookup: () => void = () => undefined;
    const slowFirst: Stores = {
      ...store,
      sessions: {
        ...store.sessions,
        findLiveSession: (sessionId, now) =>
          lookups.count === 1
            ? new Promise((resolve) => {
                lookups.count += 1;
                answerFirstLookup = () => {
                  resolve(stale);
                };
              })
            : store.sessions.findLiveSession(sessionId, now),
      },
    };
    const cached = withSessionCache(slowFirst, { clock, ttlMs: 60_000 });

    const racingLookup = cached.sessions.findLiveSession(session.id, new Date(clock.now()));
    await cached.sessions.revokeSession(session.id, 'logout', new Date(clock.now()));
    answerFirstLookup();
    expect(await racingLookup).toEqual(stale);

    expect(
      await cached.sessions.findLiveSession(session.id, new Date(clock.now())),
    ).toBeUndefined();
  });

  it('when the TTL is 0, then there is no cache at all', () => {
    const { store } = countingStore();

    expect(withSessionCache(store, { clock: new FakeClock(), ttlMs: 0 })).toBe(store);
  });

  it('when a warmed-up session logs out through the API, then its access token is refused at once on this instance', async () => {
    const { app } = buildTestApp();
    const login = await registerAndLogIn(app);
    await profile(app, login.accessToken).expect(200);

    await logout(app, login.refreshToken).expect(200);

    expectError(await profile(app, login.accessToken), ErrorCodes.SESSION_REVOKED);
  });
});
