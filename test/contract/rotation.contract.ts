import { describe, expect, it } from 'vitest';
import type { NewRefreshToken } from '../../src/storage/ports/session-store.js';
import {
  DAY,
  HOUR,
  ROTATED,
  at,
  fakeTokenHash,
  newToken,
  reusedIn,
  unused,
  type ContractHelpers,
} from './fixtures.js';

export function describeRotationContract({
  freshStores,
  createdUser,
  loggedIn,
  lastUsedAt,
}: ContractHelpers): void {
  describe('refresh token rotation', () => {
    it('when an unused token is rotated, then it is marked used and its successor stored', async () => {
      const stores = await freshStores();
      const { session, token } = await loggedIn(stores);
      const successor = newToken(session, { createdAt: at(HOUR), expiresAt: at(8 * DAY) });
      const now = at(HOUR);
      expect(await stores.sessions.rotateRefreshToken(token.tokenHash, successor, now)).toEqual(
        ROTATED,
      );
      const used = { ...token, usedAt: now, replacedById: successor.id };
      expect(await stores.sessions.findRefreshToken(token.tokenHash)).toEqual(used);
      expect(await stores.sessions.findRefreshToken(successor.tokenHash)).toEqual(
        unused(successor),
      );
      expect(await lastUsedAt(stores, session.id, now)).toEqual(now);
    });

    it('when a used token is rotated again, then it is reused and nothing is written', async () => {
      const stores = await freshStores();
      const { session, token } = await loggedIn(stores);
      const first = newToken(session, { createdAt: at(HOUR) });
      await stores.sessions.rotateRefreshToken(token.tokenHash, first, at(HOUR));
      const second = newToken(session);
      const outcome = await stores.sessions.rotateRefreshToken(
        token.tokenHash,
        second,
        at(2 * HOUR),
      );
      expect(outcome).toEqual(reusedIn(session, at(HOUR)));
      expect(await stores.sessions.findRefreshToken(second.tokenHash)).toBeUndefined();
      const usedOnce = { ...token, usedAt: at(HOUR), replacedById: first.id };
      expect(await stores.sessions.findRefreshToken(token.tokenHash)).toEqual(usedOnce);
      expect(await lastUsedAt(stores, session.id, at(2 * HOUR))).toEqual(at(HOUR));
    });

    it('when the token hash is unknown, then rotation is unknown and nothing is stored', async () => {
      const stores = await freshStores();
      const { session } = await loggedIn(stores);
      const successor = newToken(session);
      const outcome = await stores.sessions.rotateRefreshToken(
        fakeTokenHash(),
        successor,
        at(HOUR),
      );
      expect(outcome).toEqual({ outcome: 'unknown' });
      expect(await stores.sessions.findRefreshToken(successor.tokenHash)).toBeUndefined();
    });

    it('when the successor belongs to another session, then rotation is unknown and the token stays unused', async () => {
      const stores = await freshStores();
      const { user, token } = await loggedIn(stores);
      const other = await loggedIn(stores, {}, {}, user);
      const successor = newToken(other.session);
      const outcome = await stores.sessions.rotateRefreshToken(
        token.tokenHash,
        successor,
        at(HOUR),
      );
      expect(outcome).toEqual({ outcome: 'unknown' });
      expect(await stores.sessions.findRefreshToken(successor.tokenHash)).toBeUndefined();
      expect(await stores.sessions.findRefreshToken(token.tokenHash)).toEqual(unused(token));
    });

    it('when the successor names another user, then rotation is unknown and the token stays unused', async () => {
      const stores = await freshStores();
      const { session, token } = await loggedIn(stores);
      const stranger = await createdUser(stores);
      const successor = newToken(session, { userId: stranger.id });
      const outcome = await stores.sessions.rotateRefreshToken(
        token.tokenHash,
        successor,
        at(HOUR),
      );
      expect(outcome).toEqual({ outcome: 'unknown' });
      expect(await stores.sessions.findRefreshToken(successor.tokenHash)).toBeUndefined();
      expect(await stores.sessions.findRefreshToken(token.tokenHash)).toEqual(unused(token));
    });

    it('when the session is revoked, then rotation is revoked and nothing is stored', async () => {
      const stores = await freshStores();
      const { session, token } = await loggedIn(stores);
      await stores.sessions.revokeSession(session.id, 'logout', at(HOUR));
      const successor = newToken(session);
      const outcome = await stores.sessions.rotateRefreshToken(
        token.tokenHash,
        successor,
        at(2 * HOUR),
      );
      expect(outcome).toEqual({ outcome: 'revoked', reason: 'logout' });
      expect(await stores.sessions.findRefreshToken(successor.tokenHash)).toBeUndefined();
      expect(await stores.sessions.findRefreshToken(token.tokenHash)).toEqual(unused(token));
    });

    it('when now reaches the token expiry, then rotation is expired and nothing is stored', async () => {
      const stores = await freshStores();
      const { session, token } = await loggedIn(stores, {}, { expiresAt: at(DAY) });
      const successor = newToken(session);
      const outcome = await stores.sessions.rotateRefreshToken(token.tokenHash, successor, at(DAY));
      expect(outcome).toEqual({ outcome: 'expired' });
      expect(await stores.sessions.findRefreshToken(successor.tokenHash)).toBeUndefined();
      expect(await stores.sessions.findRefreshToken(token.tokenHash)).toEqual(unused(token));
      expect(await lastUsedAt(stores, session.id, at(DAY))).toEqual(at(0));
    });

    it('when twenty rotations of one token race, then exactly one rotates and one successor is stored', async () => {
      const stores = await freshStores();
      const { session, token } = await loggedIn(stores);
      const successors = Array.from({ length: 20 }, () =>
        newToken(session, { createdAt: at(HOUR) }),
      );
      const outcomes = await Promise.all(
        successors.map((successor) =>
          stores.sessions.rotateRefreshToken(token.tokenHash, successor, at(HOUR)),
        ),
      );
      expect(outcomes.filter((o) => o.outcome === 'rotated')).toHaveLength(1);
      const reused = outcomes.filter((o) => o.outcome === 'reused');
      // Each loser learns the token was used at the time of the race.
      expect(reused).toEqual(Array(19).fill(reusedIn(session, at(HOUR))));
      const stored = await Promise.all(
        successors.map((s) => stores.sessions.findRefreshToken(s.tokenHash)),
      );
      const found = stored.filter((record) => record !== undefined);
      expect(found).toHaveLength(1);
      expect((await stores.sessions.findRefreshToken(token.tokenHash))?.replacedById).toBe(
        found[0]?.id,
      );
    });

    it('when a token is rotated down a chain, then each step rotates and the first token is reused', async () => {
      const stores = await freshStores();
      const { session, token: token1 } = await loggedIn(stores);
      const token2 = newToken(session, { createdAt: at(HOUR) });
      const token3 = newToken(session, { createdAt: at(2 * HOUR) });
      const token4 = newToken(session, { createdAt: at(3 * HOUR) });
      const rotate = (from: NewRefreshToken, to: NewRefreshToken, now: Date) =>
        stores.sessions.rotateRefreshToken(from.tokenHash, to, now);
      expect(await rotate(token1, token2, at(HOUR))).toEqual(ROTATED);
      expect(await rotate(token2, token3, at(2 * HOUR))).toEqual(ROTATED);
      expect(await stores.sessions.findRefreshToken(token3.tokenHash)).toEqual(unused(token3));
      expect(await rotate(token1, token4, at(3 * HOUR))).toEqual(reusedIn(session, at(HOUR), 2));
      expect(await stores.sessions.findRefreshToken(token4.tokenHash)).toBeUndefined();
    });

    it('when a chain was rotated within one instant, then reuse still counts every generation after the token', async () => {
      const stores = await freshStores();
      const { session, token: token1 } = await loggedIn(stores);
      // Issued in the millisecond of their parents (a fast client, a frozen clock): newer by the chain, not by time.
      const token2 = newToken(session);
      const token3 = newToken(session);
      const rotate = (from: NewRefreshToken, now: Date) =>
        stores.sessions.rotateRefreshToken(from.tokenHash, newToken(session), now);
      expect(await stores.sessions.rotateRefreshToken(token1.tokenHash, token2, at(0))).toEqual(
        ROTATED,
      );
      expect(await stores.sessions.rotateRefreshToken(token2.tokenHash, token3, at(0))).toEqual(
        ROTATED,
      );
      expect(await rotate(token1, at(HOUR))).toEqual(reusedIn(session, at(0), 2));
      expect(await rotate(token2, at(HOUR))).toEqual(reusedIn(session, at(0), 1));
    });
  });
}
