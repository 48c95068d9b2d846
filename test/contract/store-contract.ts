// The storage contract: what every AuthStore adapter guarantees, driven only through the port (never SQL),
// so the same suite runs against each adapter. Every test opens its own fresh store.
import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it, onTestFinished } from 'vitest';
import type {
  AuthStore,
  NewRefreshToken,
  NewSession,
  NewUser,
  SweepResult,
  UserRecord,
} from '../../src/storage/ports.js';

const T0 = Date.parse('2030-01-01T00:00:00.000Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** A fixed instant `ms` after T0: no test depends on the wall clock. */
const at = (ms: number) => new Date(T0 + ms);
const ROTATED = { outcome: 'rotated' };
/** How a token reads back when it was stored and never used. */
const unused = (token: NewRefreshToken) => ({ ...token, usedAt: null, replacedById: null });
const reusedIn = (session: NewSession) => ({
  outcome: 'reused',
  sessionId: session.id,
  userId: session.userId,
});
const fakeTokenHash = () => randomBytes(32).toString('hex');

function newUser(overrides: Partial<NewUser> = {}): NewUser {
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

function newSession(userId: string, overrides: Partial<NewSession> = {}): NewSession {
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

function newToken(session: NewSession, overrides: Partial<NewRefreshToken> = {}): NewRefreshToken {
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

export function describeStoreContract(name: string, openStore: () => Promise<AuthStore>): void {
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

  describe(name, () => {
    describe('users', () => {
      it('when a user is created, then it is returned with Date fields and found by its exact email', async () => {
        const store = await freshStore();
        const input = newUser({ email: 'ada@example.com' });
        const result = await store.createUser(input);
        const expected = { ...input, updatedAt: at(0), passwordChangedAt: at(0), deletedAt: null };
        expect(result).toEqual({ outcome: 'created', user: expected });
        expect(await store.findLiveUserByEmail('ada@example.com')).toEqual(expected);
        expect(await store.findLiveUserByEmail('nobody@example.com')).toBeUndefined();
      });

      it('when a second user registers with a taken email, then it is refused and the first is unchanged', async () => {
        const store = await freshStore();
        const first = await createdUser(store, { email: 'taken@example.com', name: 'First' });
        const second = newUser({ email: 'taken@example.com', name: 'Second', role: 'admin' });
        expect(await store.createUser(second)).toEqual({ outcome: 'email-taken' });
        expect(await store.findLiveUserByEmail('taken@example.com')).toEqual(first);
      });

      it('when ten registrations with one email race, then exactly one is created', async () => {
        const store = await freshStore();
        const inputs = Array.from({ length: 10 }, () => newUser({ email: 'race@example.com' }));
        const results = await Promise.all(inputs.map((input) => store.createUser(input)));
        const created = results.filter((result) => result.outcome === 'created');
        expect(created).toHaveLength(1);
        expect(results.filter((result) => result.outcome === 'email-taken')).toHaveLength(9);
        expect(await store.findLiveUserByEmail('race@example.com')).toEqual(created[0]?.user);
      });
    });

    describe('sessions', () => {
      it('when a session is opened, then findLiveSession returns it as given with its user', async () => {
        const store = await freshStore();
        const { user, session } = await loggedIn(store);
        expect(await store.findLiveSession(session.id, at(HOUR))).toEqual({
          session: { ...session, lastUsedAt: at(0), revokedAt: null, revokedReason: null },
          user,
        });
        expect(await store.findLiveSession(randomUUID(), at(HOUR))).toBeUndefined();
      });

      it('when now reaches expiresAt, then the session is no longer live', async () => {
        const store = await freshStore();
        const { session } = await loggedIn(store, { expiresAt: at(DAY) });
        expect(await store.findLiveSession(session.id, at(DAY - 1))).toBeDefined();
        expect(await store.findLiveSession(session.id, at(DAY))).toBeUndefined();
        expect(await store.findLiveSession(session.id, at(2 * DAY))).toBeUndefined();
      });

      it('when a session is opened, then its first refresh token is stored unused', async () => {
        const store = await freshStore();
        const { token } = await loggedIn(store);
        expect(await store.findRefreshToken(token.tokenHash)).toEqual(unused(token));
        expect(await store.findRefreshToken(fakeTokenHash())).toBeUndefined();
      });

      it('when the first token cannot be stored, then the session is not opened either', async () => {
        const store = await freshStore();
        const { user, token } = await loggedIn(store);
        const session = newSession(user.id);
        const clash = newToken(session, { id: token.id });
        await expect(store.openSession(session, clash)).rejects.toThrow();
        expect(await store.findLiveSession(session.id, at(HOUR))).toBeUndefined();
        expect(await store.findRefreshToken(clash.tokenHash)).toBeUndefined();
        expect(await store.findRefreshToken(token.tokenHash)).toEqual(unused(token));
      });

      it('when a session is revoked twice, then only the first call reports ending it', async () => {
        const store = await freshStore();
        const { session } = await loggedIn(store);
        expect(await store.revokeSession(session.id, 'logout', at(HOUR))).toBe(true);
        expect(await store.revokeSession(session.id, 'logout_all', at(2 * HOUR))).toBe(false);
      });

      it("when one of a user's sessions is revoked, then it is no longer live and the other still is", async () => {
        const store = await freshStore();
        const { user, session } = await loggedIn(store);
        const other = await loggedIn(store, {}, {}, user);
        await store.revokeSession(session.id, 'logout', at(HOUR));
        expect(await store.findLiveSession(session.id, at(HOUR))).toBeUndefined();
        const stillLive = await store.findLiveSession(other.session.id, at(HOUR));
        expect(stillLive?.session.id).toBe(other.session.id);
      });
    });

    describe('refresh token rotation', () => {
      it('when an unused token is rotated, then it is marked used and its successor stored', async () => {
        const store = await freshStore();
        const { session, token } = await loggedIn(store);
        const successor = newToken(session, { createdAt: at(HOUR), expiresAt: at(8 * DAY) });
        const now = at(HOUR);
        expect(await store.rotateRefreshToken(token.tokenHash, successor, now)).toEqual(ROTATED);
        const used = { ...token, usedAt: now, replacedById: successor.id };
        expect(await store.findRefreshToken(token.tokenHash)).toEqual(used);
        expect(await store.findRefreshToken(successor.tokenHash)).toEqual(unused(successor));
        expect(await lastUsedAt(store, session.id, now)).toEqual(now);
      });

      it('when a used token is rotated again, then it is reused and nothing is written', async () => {
        const store = await freshStore();
        const { session, token } = await loggedIn(store);
        const first = newToken(session);
        await store.rotateRefreshToken(token.tokenHash, first, at(HOUR));
        const second = newToken(session);
        const outcome = await store.rotateRefreshToken(token.tokenHash, second, at(2 * HOUR));
        expect(outcome).toEqual(reusedIn(session));
        expect(await store.findRefreshToken(second.tokenHash)).toBeUndefined();
        const usedOnce = { ...token, usedAt: at(HOUR), replacedById: first.id };
        expect(await store.findRefreshToken(token.tokenHash)).toEqual(usedOnce);
        expect(await lastUsedAt(store, session.id, at(2 * HOUR))).toEqual(at(HOUR));
      });

      it('when the token hash is unknown, then rotation is unknown and nothing is stored', async () => {
        const store = await freshStore();
        const { session } = await loggedIn(store);
        const successor = newToken(session);
        const outcome = await store.rotateRefreshToken(fakeTokenHash(), successor, at(HOUR));
        expect(outcome).toEqual({ outcome: 'unknown' });
        expect(await store.findRefreshToken(successor.tokenHash)).toBeUndefined();
      });

      it('when the successor belongs to another session, then rotation is unknown and the token stays unused', async () => {
        const store = await freshStore();
        const { user, token } = await loggedIn(store);
        const other = await loggedIn(store, {}, {}, user);
        const successor = newToken(other.session);
        const outcome = await store.rotateRefreshToken(token.tokenHash, successor, at(HOUR));
        expect(outcome).toEqual({ outcome: 'unknown' });
        expect(await store.findRefreshToken(successor.tokenHash)).toBeUndefined();
        expect(await store.findRefreshToken(token.tokenHash)).toEqual(unused(token));
      });

      it('when the successor names another user, then rotation is unknown and the token stays unused', async () => {
        const store = await freshStore();
        const { session, token } = await loggedIn(store);
        const stranger = await createdUser(store);
        const successor = newToken(session, { userId: stranger.id });
        const outcome = await store.rotateRefreshToken(token.tokenHash, successor, at(HOUR));
        expect(outcome).toEqual({ outcome: 'unknown' });
        expect(await store.findRefreshToken(successor.tokenHash)).toBeUndefined();
        expect(await store.findRefreshToken(token.tokenHash)).toEqual(unused(token));
      });

      it('when the session is revoked, then rotation is revoked and nothing is stored', async () => {
        const store = await freshStore();
        const { session, token } = await loggedIn(store);
        await store.revokeSession(session.id, 'logout', at(HOUR));
        const successor = newToken(session);
        const outcome = await store.rotateRefreshToken(token.tokenHash, successor, at(2 * HOUR));
        expect(outcome).toEqual({ outcome: 'revoked' });
        expect(await store.findRefreshToken(successor.tokenHash)).toBeUndefined();
        expect(await store.findRefreshToken(token.tokenHash)).toEqual(unused(token));
      });

      it('when now reaches the token expiry, then rotation is expired and nothing is stored', async () => {
        const store = await freshStore();
        const { session, token } = await loggedIn(store, {}, { expiresAt: at(DAY) });
        const successor = newToken(session);
        const outcome = await store.rotateRefreshToken(token.tokenHash, successor, at(DAY));
        expect(outcome).toEqual({ outcome: 'expired' });
        expect(await store.findRefreshToken(successor.tokenHash)).toBeUndefined();
        expect(await store.findRefreshToken(token.tokenHash)).toEqual(unused(token));
        expect(await lastUsedAt(store, session.id, at(DAY))).toEqual(at(0));
      });

      it('when twenty rotations of one token race, then exactly one rotates and one successor is stored', async () => {
        const store = await freshStore();
        const { session, token } = await loggedIn(store);
        const successors = Array.from({ length: 20 }, () => newToken(session));
        const outcomes = await Promise.all(
          successors.map((successor) =>
            store.rotateRefreshToken(token.tokenHash, successor, at(HOUR)),
          ),
        );
        expect(outcomes.filter((o) => o.outcome === 'rotated')).toHaveLength(1);
        const reused = outcomes.filter((o) => o.outcome === 'reused');
        expect(reused).toEqual(Array(19).fill(reusedIn(session)));
        const stored = await Promise.all(
          successors.map((s) => store.findRefreshToken(s.tokenHash)),
        );
        const found = stored.filter((record) => record !== undefined);
        expect(found).toHaveLength(1);
        expect((await store.findRefreshToken(token.tokenHash))?.replacedById).toBe(found[0]?.id);
      });

      it('when a token is rotated down a chain, then each step rotates and the first token is reused', async () => {
        const store = await freshStore();
        const { session, token: token1 } = await loggedIn(store);
        const token2 = newToken(session);
        const token3 = newToken(session);
        const token4 = newToken(session);
        const rotate = (from: NewRefreshToken, to: NewRefreshToken, now: Date) =>
          store.rotateRefreshToken(from.tokenHash, to, now);
        expect(await rotate(token1, token2, at(HOUR))).toEqual(ROTATED);
        expect(await rotate(token2, token3, at(2 * HOUR))).toEqual(ROTATED);
        expect(await store.findRefreshToken(token3.tokenHash)).toEqual(unused(token3));
        expect(await rotate(token1, token4, at(3 * HOUR))).toEqual(reusedIn(session));
        expect(await store.findRefreshToken(token4.tokenHash)).toBeUndefined();
      });
    });

    describe('expiry sweep', () => {
      it('when tokens and sessions have expired, then the sweep removes them at most `limit` per call', async () => {
        const store = await freshStore();
        const expired = await Promise.all(Array.from({ length: 5 }, () => loggedIn(store)));
        const later = { expiresAt: at(60 * DAY) };
        const live = await loggedIn(store, later, later);
        const now = at(31 * DAY);
        // Tokens first, `limit` at a time; sessions once the expired tokens are gone.
        expect(await sweepRepeatedly(store, now, 2, 6)).toEqual([
          { refreshTokens: 2, sessions: 0 },
          { refreshTokens: 2, sessions: 0 },
          { refreshTokens: 1, sessions: 2 },
          { refreshTokens: 0, sessions: 2 },
          { refreshTokens: 0, sessions: 1 },
          { refreshTokens: 0, sessions: 0 },
        ]);
        for (const { token } of expired) {
          expect(await store.findRefreshToken(token.tokenHash)).toBeUndefined();
        }
        expect(await store.findRefreshToken(live.token.tokenHash)).toEqual(unused(live.token));
        expect((await store.findLiveSession(live.session.id, now))?.user.id).toBe(live.user.id);
      });

      it('when only tokens have expired, then their sessions stay until they expire too, `limit` at a time', async () => {
        const store = await freshStore();
        const logins = await Promise.all(Array.from({ length: 5 }, () => loggedIn(store)));
        const swept = await store.sweepExpired(at(8 * DAY), 10);
        expect(swept).toEqual({ refreshTokens: 5, sessions: 0 });
        for (const { session } of logins) {
          expect(await store.findLiveSession(session.id, at(8 * DAY))).toBeDefined();
        }
        const batches = await sweepRepeatedly(store, at(31 * DAY), 2, 4);
        expect(batches.map((batch) => batch.sessions)).toEqual([2, 2, 1, 0]);
        expect(batches.map((batch) => batch.refreshTokens)).toEqual([0, 0, 0, 0]);
      });

      it('when a rotated token expires, then the sweep removes it and keeps its session and successor', async () => {
        const store = await freshStore();
        const { session, token } = await loggedIn(store, {}, { expiresAt: at(DAY) });
        const successor = newToken(session, { expiresAt: at(8 * DAY) });
        await store.rotateRefreshToken(token.tokenHash, successor, at(HOUR));
        const swept = await store.sweepExpired(at(2 * DAY), 10);
        expect(swept).toEqual({ refreshTokens: 1, sessions: 0 });
        expect(await store.findRefreshToken(token.tokenHash)).toBeUndefined();
        expect(await store.findRefreshToken(successor.tokenHash)).toEqual(unused(successor));
        expect(await store.findLiveSession(session.id, at(2 * DAY))).toBeDefined();
      });
    });
  });
}
