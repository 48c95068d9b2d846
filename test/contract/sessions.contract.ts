import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  DAY,
  HOUR,
  at,
  fakeTokenHash,
  newSession,
  newToken,
  unused,
  type ContractHelpers,
} from './fixtures.js';

export function describeSessionContract({
  freshStore,
  loggedIn,
  createdUser,
}: ContractHelpers): void {
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
      // Token hashes are unique in every store: a repeated one cannot be stored.
      const clash = newToken(session, { tokenHash: token.tokenHash });
      await expect(store.openSession(session, clash)).rejects.toThrow();
      expect(await store.findLiveSession(session.id, at(HOUR))).toBeUndefined();
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

    it("when all of a user's sessions are revoked but one, then only that one and other users' stay live", async () => {
      const store = await freshStore();
      const { user, session: kept } = await loggedIn(store);
      const ended = [await loggedIn(store, {}, {}, user), await loggedIn(store, {}, {}, user)];
      const stranger = await loggedIn(store);

      const count = await store.revokeUserSessions(user.id, 'password_changed', at(HOUR), kept.id);

      expect(count).toBe(2);
      for (const { session } of ended) {
        expect(await store.findLiveSession(session.id, at(HOUR))).toBeUndefined();
      }
      expect(await store.findLiveSession(kept.id, at(HOUR))).toBeDefined();
      expect(await store.findLiveSession(stranger.session.id, at(HOUR))).toBeDefined();
      expect(await store.revokeUserSessions(user.id, 'logout_all', at(2 * HOUR), kept.id)).toBe(0);
    });

    it("when all of a user's sessions are revoked, then none is live and each keeps its reason", async () => {
      const store = await freshStore();
      const { user, session } = await loggedIn(store);
      await loggedIn(store, {}, {}, user);
      await store.revokeSession(session.id, 'logout', at(HOUR));

      expect(await store.revokeUserSessions(user.id, 'logout_all', at(2 * HOUR))).toBe(1);

      expect(await store.listLiveSessions(user.id, at(2 * HOUR))).toEqual([]);
    });

    it("when a user's live sessions are listed, then revoked, expired and other users' sessions are left out, newest use first", async () => {
      const store = await freshStore();
      const user = await createdUser(store);
      const older = await loggedIn(store, { createdAt: at(0) }, {}, user);
      const newer = await loggedIn(store, { createdAt: at(HOUR), userAgent: 'phone' }, {}, user);
      const revoked = await loggedIn(store, {}, {}, user);
      await loggedIn(store, { expiresAt: at(2 * HOUR) }, { expiresAt: at(2 * HOUR) }, user);
      await loggedIn(store);
      await store.revokeSession(revoked.session.id, 'logout', at(HOUR));

      const live = await store.listLiveSessions(user.id, at(3 * HOUR));

      expect(live.map((session) => session.id)).toEqual([newer.session.id, older.session.id]);
      expect(live[0]).toMatchObject({ userId: user.id, userAgent: 'phone', lastUsedAt: at(HOUR) });
    });
  });
}
