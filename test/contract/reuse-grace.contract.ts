// The reuse grace, part of the sessions port's contract (DESIGN section 9): a token rotated moments ago, presented
// again while its successor is unused, gets that same successor back, up to the cap, and never anything else. The
// races are the point: however many replays arrive at once, no more than the cap are graced, all with the one stored
// successor, and no second successor is ever stored (no forked family).
import { describe, expect, it } from 'vitest';
import type { NewRefreshToken, NewSession } from '../../src/storage/ports/session-store.js';
import type { Stores } from '../../src/storage/ports/stores.js';
import { HOUR, at, newToken, reusedIn, unused, type ContractHelpers } from './fixtures.js';

const GRACE = { windowMs: 10_000, maxReplays: 5 };
const ROTATED_AT = at(HOUR);

/** A session whose first token was rotated at ROTATED_AT into `successor`. */
async function rotatedOnce(helpers: ContractHelpers): Promise<{
  stores: Stores;
  session: NewSession;
  token: NewRefreshToken;
  successor: NewRefreshToken;
}> {
  const stores = await helpers.freshStores();
  const { session, token } = await helpers.loggedIn(stores);
  const successor = newToken(session, { createdAt: ROTATED_AT });
  const rotation = await stores.sessions.rotateRefreshToken(token.tokenHash, successor, ROTATED_AT);
  if (rotation.outcome !== 'rotated') throw new Error(`arrange: rotation was ${rotation.outcome}`);
  return { stores, session, token, successor };
}

/** `count` replays of `token` at once, each offering a successor of its own (which must never be stored). */
async function replays(
  stores: Stores,
  session: NewSession,
  token: NewRefreshToken,
  count: number,
  now: Date,
  grace = GRACE,
) {
  const offered = Array.from({ length: count }, () => newToken(session, { createdAt: now }));
  const outcomes = await Promise.all(
    offered.map((successor) =>
      stores.sessions.rotateRefreshToken(token.tokenHash, successor, now, grace),
    ),
  );
  const stored = await Promise.all(
    offered.map((o) => stores.sessions.findRefreshToken(o.tokenHash)),
  );
  return { outcomes, storedOffers: stored.filter((record) => record !== undefined) };
}

export function describeReuseGraceContract(helpers: ContractHelpers): void {
  describe('reuse grace', () => {
    it('when the token just rotated comes back inside the window, then it is graced with the stored successor and nothing new is stored', async () => {
      const { stores, session, token, successor } = await rotatedOnce(helpers);
      const { outcomes, storedOffers } = await replays(stores, session, token, 1, at(HOUR + 9_000));
      expect(outcomes).toEqual([{ outcome: 'graced', successor: unused(successor) }]);
      expect(storedOffers).toEqual([]);
      expect(await stores.sessions.findRefreshToken(successor.tokenHash)).toEqual(
        unused(successor),
      );
    });

    it('when fifty replays race with the cap at fifty, then all fifty are graced with the one successor and none stored another', async () => {
      const { stores, session, token, successor } = await rotatedOnce(helpers);
      const grace = { windowMs: 10_000, maxReplays: 50 };
      const { outcomes, storedOffers } = await replays(
        stores,
        session,
        token,
        50,
        at(HOUR + 1000),
        grace,
      );
      expect(outcomes).toEqual(Array(50).fill({ outcome: 'graced', successor: unused(successor) }));
      expect(storedOffers).toEqual([]);
    });

    it('when twenty replays race with the default cap of five, then exactly five are graced and the rest are reuse', async () => {
      const { stores, session, token, successor } = await rotatedOnce(helpers);
      const { outcomes, storedOffers } = await replays(stores, session, token, 20, at(HOUR + 1000));
      const graced = outcomes.filter((o) => o.outcome === 'graced');
      expect(graced).toEqual(Array(5).fill({ outcome: 'graced', successor: unused(successor) }));
      expect(outcomes.filter((o) => o.outcome === 'reused')).toEqual(
        Array(15).fill(reusedIn(session, ROTATED_AT)),
      );
      expect(storedOffers).toEqual([]);
    });

    it('when the cap was used up by earlier replays, then a later one inside the window is reuse', async () => {
      const { stores, session, token } = await rotatedOnce(helpers);
      await replays(stores, session, token, 5, at(HOUR + 1000));
      const { outcomes } = await replays(stores, session, token, 1, at(HOUR + 2000));
      expect(outcomes).toEqual([reusedIn(session, ROTATED_AT)]);
    });

    it('when the token comes back after the window, then it is reuse', async () => {
      const { stores, session, token } = await rotatedOnce(helpers);
      const { outcomes } = await replays(stores, session, token, 1, at(HOUR + 10_001));
      expect(outcomes).toEqual([reusedIn(session, ROTATED_AT)]);
    });

    it('when the grace is strict (window 0), then a replay at the same instant is reuse', async () => {
      const { stores, session, token } = await rotatedOnce(helpers);
      const strict = { windowMs: 0, maxReplays: 5 };
      const { outcomes } = await replays(stores, session, token, 1, ROTATED_AT, strict);
      expect(outcomes).toEqual([reusedIn(session, ROTATED_AT)]);
    });

    it('when the successor has been used, then its parent is reuse even inside the window, and the grandparent always', async () => {
      const { stores, session, token, successor } = await rotatedOnce(helpers);
      const third = newToken(session, { createdAt: at(HOUR + 1000) });
      const second = await stores.sessions.rotateRefreshToken(
        successor.tokenHash,
        third,
        at(HOUR + 1000),
        GRACE,
      );
      expect(second.outcome).toBe('rotated');

      const grandparent = await replays(stores, session, token, 1, at(HOUR + 2000));
      expect(grandparent.outcomes).toEqual([reusedIn(session, ROTATED_AT, 2)]);
      // The immediate parent of an unused token is graced with it.
      const parent = await replays(stores, session, successor, 1, at(HOUR + 2000));
      expect(parent.outcomes).toEqual([{ outcome: 'graced', successor: unused(third) }]);
    });

    it('when the session was revoked, then a replay inside the window is revoked with its reason', async () => {
      const { stores, session, token } = await rotatedOnce(helpers);
      await stores.sessions.revokeSession(session.id, 'logout', at(HOUR + 500));
      const { outcomes } = await replays(stores, session, token, 1, at(HOUR + 1000));
      expect(outcomes).toEqual([{ outcome: 'revoked', reason: 'logout' }]);
    });

    it('when a replay names another session, then it is unknown and graces nothing', async () => {
      const { stores, token } = await rotatedOnce(helpers);
      const { session: other } = await helpers.loggedIn(stores);
      const { outcomes } = await replays(stores, other, token, 1, at(HOUR + 1000));
      expect(outcomes).toEqual([{ outcome: 'unknown' }]);
    });
  });
}
