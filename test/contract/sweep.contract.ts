import { describe, expect, it } from 'vitest';
import { DAY, HOUR, at, newToken, unused, type ContractHelpers } from './fixtures.js';

export function describeSweepContract({
  freshStores,
  loggedIn,
  sweepRepeatedly,
}: ContractHelpers): void {
  describe('expiry sweep', () => {
    it('when tokens and sessions have expired, then the sweep removes them at most `limit` per call', async () => {
      const stores = await freshStores();
      const expired = await Promise.all(Array.from({ length: 5 }, () => loggedIn(stores)));
      const later = { expiresAt: at(60 * DAY) };
      const live = await loggedIn(stores, later, later);
      const now = at(31 * DAY);
      // Tokens first, `limit` at a time; sessions once the expired tokens are gone.
      expect(await sweepRepeatedly(stores, now, 2, 6)).toEqual([
        { refreshTokens: 2, sessions: 0 },
        { refreshTokens: 2, sessions: 0 },
        { refreshTokens: 1, sessions: 2 },
        { refreshTokens: 0, sessions: 2 },
        { refreshTokens: 0, sessions: 1 },
        { refreshTokens: 0, sessions: 0 },
      ]);
      for (const { token } of expired) {
        expect(await stores.sessions.findRefreshToken(token.tokenHash)).toBeUndefined();
      }
      expect(await stores.sessions.findRefreshToken(live.token.tokenHash)).toEqual(
        unused(live.token),
      );
      expect((await stores.sessions.findLiveSession(live.session.id, now))?.user.id).toBe(
        live.user.id,
      );
    });

    it('when only tokens have expired, then their sessions stay until they expire too, `limit` at a time', async () => {
      const stores = await freshStores();
      const logins = await Promise.all(Array.from({ length: 5 }, () => loggedIn(stores)));
      const swept = await stores.sessions.sweepExpired(at(8 * DAY), 10);
      expect(swept).toEqual({ refreshTokens: 5, sessions: 0 });
      for (const { session } of logins) {
        expect(await stores.sessions.findLiveSession(session.id, at(8 * DAY))).toBeDefined();
      }
      const batches = await sweepRepeatedly(stores, at(31 * DAY), 2, 4);
      expect(batches.map((batch) => batch.sessions)).toEqual([2, 2, 1, 0]);
      expect(batches.map((batch) => batch.refreshTokens)).toEqual([0, 0, 0, 0]);
    });

    it('when a rotated token expires, then the sweep removes it and keeps its session and successor', async () => {
      const stores = await freshStores();
      const { session, token } = await loggedIn(stores, {}, { expiresAt: at(DAY) });
      const successor = newToken(session, { expiresAt: at(8 * DAY) });
      await stores.sessions.rotateRefreshToken(token.tokenHash, successor, at(HOUR));
      const swept = await stores.sessions.sweepExpired(at(2 * DAY), 10);
      expect(swept).toEqual({ refreshTokens: 1, sessions: 0 });
      expect(await stores.sessions.findRefreshToken(token.tokenHash)).toBeUndefined();
      expect(await stores.sessions.findRefreshToken(successor.tokenHash)).toEqual(
        unused(successor),
      );
      expect(await stores.sessions.findLiveSession(session.id, at(2 * DAY))).toBeDefined();
    });
  });
}
