// The one-time tokens port's contract (src/storage/ports/one-time-token-store.ts), run against every adapter by
// stores-contract.ts: every outcome of consume, supersession by a newer token of the same user and purpose, the
// bounded sweep, and the races (concurrent consumes of one token, a consume racing a newer token's issue,
// concurrent issues).
import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type {
  NewOneTimeToken,
  OneTimeTokenPurpose,
} from '../../src/storage/ports/one-time-token-store.js';
import { HOUR, at, type ContractHelpers } from './fixtures.js';

const MINUTE = 60_000;
/** Shaped like the port's hash: SHA-256 in base64url. */
const fakeHash = () => randomBytes(32).toString('base64url');

function newOneTimeToken(overrides: Partial<NewOneTimeToken> = {}): NewOneTimeToken {
  return {
    id: randomUUID(),
    purpose: 'password_reset',
    userId: randomUUID(),
    email: `${randomUUID()}@example.com`,
    tokenHash: fakeHash(),
    createdAt: at(0),
    expiresAt: at(30 * MINUTE),
    ...overrides,
  };
}

/** How a token reads back once consumed at `now`. */
const consumedAt = (token: NewOneTimeToken, now: Date) => ({
  outcome: 'consumed',
  token: { ...token, usedAt: now, supersededAt: null },
});

export function describeOneTimeTokenStoreContract({ freshStores }: ContractHelpers): void {
  describe('one-time tokens', () => {
    it('when an issued token is consumed, then it is returned as used, and a second consume finds it used', async () => {
      const { oneTimeTokens } = await freshStores();
      const token = newOneTimeToken();
      await oneTimeTokens.issueOneTimeToken(token, at(0));

      expect(
        await oneTimeTokens.consumeOneTimeToken(token.tokenHash, 'password_reset', at(MINUTE)),
      ).toEqual(consumedAt(token, at(MINUTE)));
      expect(
        await oneTimeTokens.consumeOneTimeToken(token.tokenHash, 'password_reset', at(MINUTE)),
      ).toEqual({ outcome: 'used' });
    });

    it('when no token has the hash, then consume answers unknown', async () => {
      const { oneTimeTokens } = await freshStores();
      await oneTimeTokens.issueOneTimeToken(newOneTimeToken(), at(0));

      expect(await oneTimeTokens.consumeOneTimeToken(fakeHash(), 'password_reset', at(0))).toEqual({
        outcome: 'unknown',
      });
    });

    it.each<[OneTimeTokenPurpose, OneTimeTokenPurpose]>([
      ['email_verify', 'password_reset'],
      ['password_reset', 'email_change'],
      ['email_change', 'email_verify'],
    ])(
      'when a %s token is presented as %s, then it is unknown and stays consumable for its own purpose',
      async (purpose, presentedAs) => {
        const { oneTimeTokens } = await freshStores();
        const token = newOneTimeToken({ purpose });
        await oneTimeTokens.issueOneTimeToken(token, at(0));

        expect(
          await oneTimeTokens.consumeOneTimeToken(token.tokenHash, presentedAs, at(MINUTE)),
        ).toEqual({ outcome: 'unknown' });
        expect(
          await oneTimeTokens.consumeOneTimeToken(token.tokenHash, purpose, at(MINUTE)),
        ).toEqual(consumedAt(token, at(MINUTE)));
      },
    );

    it('when a used token is presented as another purpose, then it is unknown, not used', async () => {
      const { oneTimeTokens } = await freshStores();
      const token = newOneTimeToken({ purpose: 'email_verify' });
      await oneTimeTokens.issueOneTimeToken(token, at(0));
      await oneTimeTokens.consumeOneTimeToken(token.tokenHash, 'email_verify', at(MINUTE));

      expect(
        await oneTimeTokens.consumeOneTimeToken(token.tokenHash, 'password_reset', at(MINUTE)),
      ).toEqual({ outcome: 'unknown' });
    });

    it('when a token is consumed at exactly its expiry, then it is expired; a millisecond before, it is consumed', async () => {
      const { oneTimeTokens } = await freshStores();
      const first = newOneTimeToken();
      const second = newOneTimeToken();
      await oneTimeTokens.issueOneTimeToken(first, at(0));
      await oneTimeTokens.issueOneTimeToken(second, at(0));

      expect(
        await oneTimeTokens.consumeOneTimeToken(first.tokenHash, 'password_reset', first.expiresAt),
      ).toEqual({ outcome: 'expired' });
      const justBefore = at(30 * MINUTE - 1);
      expect(
        await oneTimeTokens.consumeOneTimeToken(second.tokenHash, 'password_reset', justBefore),
      ).toEqual(consumedAt(second, justBefore));
      expect(
        await oneTimeTokens.consumeOneTimeToken(first.tokenHash, 'password_reset', at(HOUR)),
      ).toEqual({ outcome: 'expired' });
    });

    it('when a newer token of the same user and purpose is issued, then the older one is superseded and the newer consumable', async () => {
      const { oneTimeTokens } = await freshStores();
      const older = newOneTimeToken();
      const newer = newOneTimeToken({ userId: older.userId, createdAt: at(MINUTE) });
      await oneTimeTokens.issueOneTimeToken(older, at(0));
      await oneTimeTokens.issueOneTimeToken(newer, at(MINUTE));

      expect(
        await oneTimeTokens.consumeOneTimeToken(older.tokenHash, 'password_reset', at(2 * MINUTE)),
      ).toEqual({ outcome: 'superseded' });
      expect(
        await oneTimeTokens.consumeOneTimeToken(newer.tokenHash, 'password_reset', at(2 * MINUTE)),
      ).toEqual(consumedAt(newer, at(2 * MINUTE)));
      expect(
        await oneTimeTokens.consumeOneTimeToken(older.tokenHash, 'password_reset', at(2 * MINUTE)),
      ).toEqual({ outcome: 'superseded' });
    });

    it('when two tokens are issued in the same millisecond, then only the second is consumable', async () => {
      const { oneTimeTokens } = await freshStores();
      const first = newOneTimeToken();
      const second = newOneTimeToken({ userId: first.userId });
      await oneTimeTokens.issueOneTimeToken(first, at(0));
      await oneTimeTokens.issueOneTimeToken(second, at(0));

      expect(
        await oneTimeTokens.consumeOneTimeToken(first.tokenHash, 'password_reset', at(0)),
      ).toEqual({ outcome: 'superseded' });
      expect(
        await oneTimeTokens.consumeOneTimeToken(second.tokenHash, 'password_reset', at(0)),
      ).toEqual(consumedAt(second, at(0)));
    });

    it("when a token is issued, then another purpose's token and another user's token stay consumable", async () => {
      const { oneTimeTokens } = await freshStores();
      const verify = newOneTimeToken({ purpose: 'email_verify' });
      const otherUser = newOneTimeToken();
      await oneTimeTokens.issueOneTimeToken(verify, at(0));
      await oneTimeTokens.issueOneTimeToken(otherUser, at(0));

      await oneTimeTokens.issueOneTimeToken(newOneTimeToken({ userId: verify.userId }), at(0));

      expect(
        await oneTimeTokens.consumeOneTimeToken(verify.tokenHash, 'email_verify', at(0)),
      ).toMatchObject({ outcome: 'consumed' });
      expect(
        await oneTimeTokens.consumeOneTimeToken(otherUser.tokenHash, 'password_reset', at(0)),
      ).toMatchObject({ outcome: 'consumed' });
    });

    it('when a token was used before a newer one was issued, then it reads as used, not superseded', async () => {
      const { oneTimeTokens } = await freshStores();
      const used = newOneTimeToken();
      await oneTimeTokens.issueOneTimeToken(used, at(0));
      await oneTimeTokens.consumeOneTimeToken(used.tokenHash, 'password_reset', at(MINUTE));
      await oneTimeTokens.issueOneTimeToken(newOneTimeToken({ userId: used.userId }), at(MINUTE));

      expect(
        await oneTimeTokens.consumeOneTimeToken(used.tokenHash, 'password_reset', at(MINUTE)),
      ).toEqual({ outcome: 'used' });
    });

    it('when a superseded token has also expired, then it reads as superseded', async () => {
      const { oneTimeTokens } = await freshStores();
      const older = newOneTimeToken();
      await oneTimeTokens.issueOneTimeToken(older, at(0));
      await oneTimeTokens.issueOneTimeToken(newOneTimeToken({ userId: older.userId }), at(0));

      expect(
        await oneTimeTokens.consumeOneTimeToken(older.tokenHash, 'password_reset', at(HOUR)),
      ).toEqual({ outcome: 'superseded' });
    });

    it('when a consumable token is looked at, then it is returned unused and stays consumable', async () => {
      const { oneTimeTokens } = await freshStores();
      const token = newOneTimeToken();
      await oneTimeTokens.issueOneTimeToken(token, at(0));

      expect(
        await oneTimeTokens.findConsumableOneTimeToken(
          token.tokenHash,
          'password_reset',
          at(MINUTE),
        ),
      ).toEqual({ ...token, usedAt: null, supersededAt: null });
      expect(
        await oneTimeTokens.findConsumableOneTimeToken(
          token.tokenHash,
          'password_reset',
          at(MINUTE),
        ),
      ).toBeDefined();
      expect(
        await oneTimeTokens.consumeOneTimeToken(token.tokenHash, 'password_reset', at(MINUTE)),
      ).toEqual(consumedAt(token, at(MINUTE)));
    });

    it('when a token is unknown, of another purpose, used, superseded or expired, then it is not found consumable', async () => {
      const { oneTimeTokens } = await freshStores();
      const used = newOneTimeToken();
      const superseded = newOneTimeToken();
      const newer = newOneTimeToken({ userId: superseded.userId });
      const expiring = newOneTimeToken({ expiresAt: at(10 * MINUTE) });
      const verify = newOneTimeToken({ purpose: 'email_verify' });
      for (const token of [used, superseded, newer, expiring, verify]) {
        await oneTimeTokens.issueOneTimeToken(token, at(0));
      }
      await oneTimeTokens.consumeOneTimeToken(used.tokenHash, 'password_reset', at(MINUTE));
      const look = (tokenHash: string, purpose: OneTimeTokenPurpose, now: Date) =>
        oneTimeTokens.findConsumableOneTimeToken(tokenHash, purpose, now);

      expect(await look(fakeHash(), 'password_reset', at(MINUTE))).toBeUndefined();
      expect(await look(verify.tokenHash, 'password_reset', at(MINUTE))).toBeUndefined();
      expect(await look(used.tokenHash, 'password_reset', at(MINUTE))).toBeUndefined();
      expect(await look(superseded.tokenHash, 'password_reset', at(MINUTE))).toBeUndefined();
      expect(await look(expiring.tokenHash, 'password_reset', expiring.expiresAt)).toBeUndefined();
      // The same tokens where they are consumable: a millisecond before expiry, the newer, the right purpose.
      expect(await look(expiring.tokenHash, 'password_reset', at(10 * MINUTE - 1))).toMatchObject({
        id: expiring.id,
      });
      expect(await look(newer.tokenHash, 'password_reset', at(MINUTE))).toMatchObject({
        id: newer.id,
      });
      expect(await look(verify.tokenHash, 'email_verify', at(MINUTE))).toMatchObject({
        id: verify.id,
      });
    });

    it('when the sweep runs, then it deletes only tokens expired before now, at most the limit per call', async () => {
      const { oneTimeTokens } = await freshStores();
      const expired = Array.from({ length: 5 }, (_, index) =>
        newOneTimeToken({ expiresAt: at((index + 1) * MINUTE) }),
      );
      const expiringNow = newOneTimeToken({ expiresAt: at(10 * MINUTE) });
      const live = newOneTimeToken({ expiresAt: at(HOUR) });
      for (const token of [...expired, expiringNow, live]) {
        await oneTimeTokens.issueOneTimeToken(token, at(0));
      }
      // A used token goes with the others once expired.
      const usedFirst = await oneTimeTokens.consumeOneTimeToken(
        expired[0]?.tokenHash ?? '',
        'password_reset',
        at(0),
      );
      expect(usedFirst.outcome).toBe('consumed');

      const now = at(10 * MINUTE);
      const swept = [
        await oneTimeTokens.sweepExpiredOneTimeTokens(now, 2),
        await oneTimeTokens.sweepExpiredOneTimeTokens(now, 2),
        await oneTimeTokens.sweepExpiredOneTimeTokens(now, 2),
        await oneTimeTokens.sweepExpiredOneTimeTokens(now, 2),
      ];

      expect(swept).toEqual([2, 2, 1, 0]);
      for (const token of expired) {
        expect(
          await oneTimeTokens.consumeOneTimeToken(token.tokenHash, 'password_reset', at(0)),
        ).toEqual({ outcome: 'unknown' });
      }
      expect(
        await oneTimeTokens.consumeOneTimeToken(expiringNow.tokenHash, 'password_reset', now),
      ).toEqual({ outcome: 'expired' });
      expect(
        await oneTimeTokens.consumeOneTimeToken(live.tokenHash, 'password_reset', now),
      ).toEqual(consumedAt(live, now));
    });

    describe('races', () => {
      it('when 20 consumes of one token race, then exactly one consumes it and the others find it used', async () => {
        const { oneTimeTokens } = await freshStores();
        const token = newOneTimeToken();
        await oneTimeTokens.issueOneTimeToken(token, at(0));

        const results = await Promise.all(
          Array.from({ length: 20 }, () =>
            oneTimeTokens.consumeOneTimeToken(token.tokenHash, 'password_reset', at(MINUTE)),
          ),
        );

        expect(results.filter((result) => result.outcome === 'consumed')).toEqual([
          consumedAt(token, at(MINUTE)),
        ]);
        expect(results.filter((result) => result.outcome === 'used')).toHaveLength(19);
      });

      it('when a consume races the issue of a newer token, then the older is consumed or superseded, never usable after, and the newer is consumable', async () => {
        const { oneTimeTokens } = await freshStores();
        const rounds = Array.from({ length: 10 }, () => {
          const older = newOneTimeToken();
          return { older, newer: newOneTimeToken({ userId: older.userId }) };
        });
        for (const { older } of rounds) await oneTimeTokens.issueOneTimeToken(older, at(0));

        const raced = await Promise.all(
          rounds.map(async ({ older, newer }) => {
            const [consumed] = await Promise.all([
              oneTimeTokens.consumeOneTimeToken(older.tokenHash, 'password_reset', at(MINUTE)),
              oneTimeTokens.issueOneTimeToken(newer, at(MINUTE)),
            ]);
            return consumed.outcome;
          }),
        );

        for (const outcome of raced) expect(['consumed', 'superseded']).toContain(outcome);
        for (const [index, { older, newer }] of rounds.entries()) {
          const again = await oneTimeTokens.consumeOneTimeToken(
            older.tokenHash,
            'password_reset',
            at(MINUTE),
          );
          expect(again.outcome).toBe(raced[index] === 'consumed' ? 'used' : 'superseded');
          expect(
            await oneTimeTokens.consumeOneTimeToken(newer.tokenHash, 'password_reset', at(MINUTE)),
          ).toEqual(consumedAt(newer, at(MINUTE)));
        }
      });

      it('when ten tokens of one user and purpose are issued at once, then exactly one of them is consumable', async () => {
        const { oneTimeTokens } = await freshStores();
        const userId = randomUUID();
        const tokens = Array.from({ length: 10 }, () => newOneTimeToken({ userId }));

        await Promise.all(tokens.map((token) => oneTimeTokens.issueOneTimeToken(token, at(0))));

        const outcomes = [];
        for (const token of tokens) {
          const result = await oneTimeTokens.consumeOneTimeToken(
            token.tokenHash,
            'password_reset',
            at(MINUTE),
          );
          outcomes.push(result.outcome);
        }
        expect(outcomes.filter((outcome) => outcome === 'consumed')).toHaveLength(1);
        expect(outcomes.filter((outcome) => outcome === 'superseded')).toHaveLength(9);
      });
    });
  });
}
