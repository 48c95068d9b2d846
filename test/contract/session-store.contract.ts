// The sessions port's contract (src/storage/ports/session-store.ts), run against every adapter by stores-contract.ts:
// sessions here, rotation, the expiry sweep and the model-based family test in files of their own.
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
import { describeRefreshFamilyModel } from './refresh-family.model.contract.js';
import { describeReuseGraceContract } from './reuse-grace.contract.js';
import { describeRevocationRaceContract } from './revocation-race.contract.js';
import { describeRotationContract } from './rotation.contract.js';
import { describeSweepContract } from './sweep.contract.js';

/** `modelRuns`: how many command sequences the model-based family test tries. */
export function describeSessionStoreContract(helpers: ContractHelpers, modelRuns: number): void {
  describe('sessions port', () => {
    describeSessionCases(helpers);
    describeRotationContract(helpers);
    describeReuseGraceContract(helpers);
    describeRevocationRaceContract(helpers);
    describeSweepContract(helpers);
    describeRefreshFamilyModel(helpers, modelRuns);
  });
}

function describeSessionCases({ freshStores, loggedIn, createdUser }: ContractHelpers): void {
  describe('sessions', () => {
    it('when a session is opened, then findLiveSession returns it as given with its user, without the password hash', async () => {
      const stores = await freshStores();
      const { user, session } = await loggedIn(stores);
      const { passwordHash, ...userWithoutHash } = user;
      const live = await stores.sessions.findLiveSession(session.id, at(HOUR));
      expect(live).toEqual({
        session: { ...session, lastUsedAt: at(0), revokedAt: null, revokedReason: null },
        user: userWithoutHash,
      });
      expect(JSON.stringify(live)).not.toContain(passwordHash);
      expect(await stores.sessions.findLiveSession(randomUUID(), at(HOUR))).toBeUndefined();
    });

    it('when a session is opened with an amr, then findLiveSession, findSession and listLiveSessions read it back', async () => {
      const stores = await freshStores();
      const user = await createdUser(stores);
      const password = await loggedIn(stores, { amr: ['pwd'] }, {}, user);
      const secondFactor = await loggedIn(
        stores,
        { amr: ['pwd', 'otp'], createdAt: at(1) },
        {},
        user,
      );

      for (const { session } of [password, secondFactor]) {
        expect((await stores.sessions.findLiveSession(session.id, at(HOUR)))?.session.amr).toEqual(
          session.amr,
        );
        expect((await stores.sessions.findSession(session.id))?.amr).toEqual(session.amr);
      }
      const listed = await stores.sessions.listLiveSessions(user.id, at(HOUR));
      expect(listed.map(({ id, amr }) => ({ id, amr }))).toEqual([
        { id: secondFactor.session.id, amr: ['pwd', 'otp'] },
        { id: password.session.id, amr: ['pwd'] },
      ]);
    });

    it.each(['mfa_enabled', 'mfa_disabled'] as const)(
      'when sessions are revoked for %s, then each ended session keeps that reason',
      async (reason) => {
        const stores = await freshStores();
        const { user, session } = await loggedIn(stores);
        const other = await loggedIn(stores, {}, {}, user);
        expect(await stores.sessions.revokeSession(session.id, reason, at(HOUR))).toBe(true);
        expect(await stores.sessions.revokeUserSessions(user.id, reason, at(HOUR))).toBe(1);

        for (const { id } of [session, other.session]) {
          expect(await stores.sessions.findSession(id)).toMatchObject({
            revokedAt: at(HOUR),
            revokedReason: reason,
          });
        }
      },
    );

    it('when now reaches expiresAt, then the session is no longer live', async () => {
      const stores = await freshStores();
      const { session } = await loggedIn(stores, { expiresAt: at(DAY) });
      expect(await stores.sessions.findLiveSession(session.id, at(DAY - 1))).toBeDefined();
      expect(await stores.sessions.findLiveSession(session.id, at(DAY))).toBeUndefined();
      expect(await stores.sessions.findLiveSession(session.id, at(2 * DAY))).toBeUndefined();
    });

    it('when a session is opened, then its first refresh token is stored unused', async () => {
      const stores = await freshStores();
      const { token } = await loggedIn(stores);
      expect(await stores.sessions.findRefreshToken(token.tokenHash)).toEqual(unused(token));
      expect(await stores.sessions.findRefreshToken(fakeTokenHash())).toBeUndefined();
    });

    it('when the first token cannot be stored, then the session is not opened either', async () => {
      const stores = await freshStores();
      const { user, token } = await loggedIn(stores);
      const session = newSession(user.id);
      // Token hashes are unique in every stores: a repeated one cannot be stored.
      const clash = newToken(session, { tokenHash: token.tokenHash });
      await expect(stores.sessions.openSession(session, clash)).rejects.toThrow();
      expect(await stores.sessions.findLiveSession(session.id, at(HOUR))).toBeUndefined();
      expect(await stores.sessions.findRefreshToken(token.tokenHash)).toEqual(unused(token));
    });

    it('when a session is revoked twice, then only the first call reports ending it', async () => {
      const stores = await freshStores();
      const { session } = await loggedIn(stores);
      expect(await stores.sessions.revokeSession(session.id, 'logout', at(HOUR))).toBe(true);
      expect(await stores.sessions.revokeSession(session.id, 'logout_all', at(2 * HOUR))).toBe(
        false,
      );
    });

    it("when one of a user's sessions is revoked, then it is no longer live and the other still is", async () => {
      const stores = await freshStores();
      const { user, session } = await loggedIn(stores);
      const other = await loggedIn(stores, {}, {}, user);
      await stores.sessions.revokeSession(session.id, 'logout', at(HOUR));
      expect(await stores.sessions.findLiveSession(session.id, at(HOUR))).toBeUndefined();
      const stillLive = await stores.sessions.findLiveSession(other.session.id, at(HOUR));
      expect(stillLive?.session.id).toBe(other.session.id);
    });

    it("when all of a user's sessions are revoked but one, then only that one and other users' stay live", async () => {
      const stores = await freshStores();
      const { user, session: kept } = await loggedIn(stores);
      const ended = [await loggedIn(stores, {}, {}, user), await loggedIn(stores, {}, {}, user)];
      const stranger = await loggedIn(stores);

      const count = await stores.sessions.revokeUserSessions(
        user.id,
        'password_changed',
        at(HOUR),
        kept.id,
      );

      expect(count).toBe(2);
      for (const { session } of ended) {
        expect(await stores.sessions.findLiveSession(session.id, at(HOUR))).toBeUndefined();
      }
      expect(await stores.sessions.findLiveSession(kept.id, at(HOUR))).toBeDefined();
      expect(await stores.sessions.findLiveSession(stranger.session.id, at(HOUR))).toBeDefined();
      expect(
        await stores.sessions.revokeUserSessions(user.id, 'logout_all', at(2 * HOUR), kept.id),
      ).toBe(0);
    });

    it("when all of a user's sessions are revoked, then none is live and each keeps its reason", async () => {
      const stores = await freshStores();
      const { user, session } = await loggedIn(stores);
      await loggedIn(stores, {}, {}, user);
      await stores.sessions.revokeSession(session.id, 'logout', at(HOUR));

      expect(await stores.sessions.revokeUserSessions(user.id, 'logout_all', at(2 * HOUR))).toBe(1);

      expect(await stores.sessions.listLiveSessions(user.id, at(2 * HOUR))).toEqual([]);
    });

    it("when a user's live sessions are listed, then revoked, expired and other users' sessions are left out, newest use first", async () => {
      const stores = await freshStores();
      const user = await createdUser(stores);
      const older = await loggedIn(stores, { createdAt: at(0) }, {}, user);
      const newer = await loggedIn(stores, { createdAt: at(HOUR), userAgent: 'phone' }, {}, user);
      const revoked = await loggedIn(stores, {}, {}, user);
      await loggedIn(stores, { expiresAt: at(2 * HOUR) }, { expiresAt: at(2 * HOUR) }, user);
      await loggedIn(stores);
      await stores.sessions.revokeSession(revoked.session.id, 'logout', at(HOUR));

      const live = await stores.sessions.listLiveSessions(user.id, at(3 * HOUR));

      expect(live.map((session) => session.id)).toEqual([newer.session.id, older.session.id]);
      expect(live[0]).toMatchObject({ userId: user.id, userAgent: 'phone', lastUsedAt: at(HOUR) });
    });
  });
}
