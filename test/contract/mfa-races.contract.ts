// The second factor's races, run against every adapter: each guarantee the port states as "atomic" is fired 20
// times at once and must hold exactly (one step accepted, one confirmation, one use of a code, one consumed
// challenge, no more failures than the cap), and replacing codes shuts out every old code by the time it returns.
import { describe, expect, it } from 'vitest';
import { at, type ContractHelpers } from './fixtures.js';
import {
  MAX_FAILURES,
  MINUTE,
  newChallenge,
  newPendingFactor,
  newRecoveryCodes,
} from './mfa-fixtures.js';
import { activeFactor } from './mfa-store.contract.js';

const CALLS = 20;
const times = <T>(make: (index: number) => Promise<T>) =>
  Promise.all(Array.from({ length: CALLS }, (_, index) => make(index)));

export function describeMfaRaces({ freshStores }: ContractHelpers): void {
  describe('races', () => {
    it('when 20 calls advance the TOTP step to one step at once, then exactly one does', async () => {
      const { mfa } = await freshStores();
      const { factor, userId } = await activeFactor(mfa, 100);

      const results = await times(() => mfa.advanceTotpStep(userId, factor.id, 101));

      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await mfa.findFactor(userId))?.lastUsedStep).toBe(101);
      expect(await mfa.advanceTotpStep(userId, factor.id, 101)).toBe(false);
    });

    it('when 20 confirmations of one pending factor race, then exactly one activates, and only its codes are usable', async () => {
      const { mfa } = await freshStores();
      const factor = newPendingFactor();
      await mfa.savePendingFactor(factor);
      const codeSets = Array.from({ length: CALLS }, () => newRecoveryCodes());

      const results = await times((index) =>
        mfa.activateFactor(factor.userId, factor.id, 500, codeSets[index] ?? [], at(MINUTE)),
      );

      const winners = results.flatMap((result, index) =>
        result.outcome === 'activated' ? [index] : [],
      );
      expect(winners).toHaveLength(1);
      expect(results.filter((result) => result.outcome === 'already-enabled')).toHaveLength(
        CALLS - 1,
      );
      expect(await mfa.countUnusedRecoveryCodes(factor.userId)).toBe(10);
      for (const [index, codes] of codeSets.entries()) {
        const found = await Promise.all(
          codes.map((code) => mfa.findRecoveryCode(factor.userId, code.lookupId)),
        );
        const expected = index === winners[0];
        expect(found.map((code) => code !== undefined)).toEqual(codes.map(() => expected));
      }
    });

    it('when 20 uses of one recovery code race, then exactly one uses it', async () => {
      const { mfa } = await freshStores();
      const { userId, codes } = await activeFactor(mfa);
      const lookupId = codes[3]?.lookupId ?? '';

      const results = await times(() => mfa.useRecoveryCode(userId, lookupId, at(2 * MINUTE)));

      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await mfa.countUnusedRecoveryCodes(userId)).toBe(9);
    });

    it('when 20 consumes of one challenge race, then exactly one consumes it', async () => {
      const { mfa } = await freshStores();
      const challenge = newChallenge();
      await mfa.createChallenge(challenge);

      const results = await times(() =>
        mfa.consumeChallenge(challenge.tokenHash, at(MINUTE), MAX_FAILURES),
      );

      expect(results.filter(Boolean)).toHaveLength(1);
      expect(
        await mfa.findLiveChallenge(challenge.tokenHash, at(MINUTE), MAX_FAILURES),
      ).toBeUndefined();
    });

    it('when 20 wrong codes are counted at once against a cap of 5, then exactly 5 count, one burns it, and it is no longer live', async () => {
      const { mfa } = await freshStores();
      const challenge = newChallenge();
      await mfa.createChallenge(challenge);

      const results = await times(() =>
        mfa.recordChallengeFailure(challenge.tokenHash, at(MINUTE), MAX_FAILURES),
      );

      const counted = results.flatMap((result) => (result.outcome === 'counted' ? [result] : []));
      expect(counted.map((result) => result.failures).sort()).toEqual([1, 2, 3, 4, 5]);
      expect(counted.filter((result) => result.burned)).toEqual([
        { outcome: 'counted', failures: MAX_FAILURES, burned: true },
      ]);
      expect(results.filter((result) => result.outcome === 'not-live')).toHaveLength(
        CALLS - MAX_FAILURES,
      );
      expect(
        await mfa.findLiveChallenge(challenge.tokenHash, at(MINUTE), MAX_FAILURES),
      ).toBeUndefined();
      expect(await mfa.consumeChallenge(challenge.tokenHash, at(MINUTE), MAX_FAILURES)).toBe(false);
    });

    it('when uses of old codes race a replacement, then once it returns no old code is usable, and the new set is whole', async () => {
      const { mfa } = await freshStores();
      for (let round = 0; round < 5; round += 1) {
        const { userId, codes } = await activeFactor(mfa);
        const replacement = newRecoveryCodes();

        const [replaced] = await Promise.all([
          mfa.replaceRecoveryCodes(userId, replacement, at(2 * MINUTE)),
          ...codes.map((code) => mfa.useRecoveryCode(userId, code.lookupId, at(2 * MINUTE))),
        ]);

        expect(replaced).toBe(true);
        for (const code of codes) {
          expect(await mfa.findRecoveryCode(userId, code.lookupId)).toBeUndefined();
          expect(await mfa.useRecoveryCode(userId, code.lookupId, at(3 * MINUTE))).toBe(false);
        }
        expect(await mfa.countUnusedRecoveryCodes(userId)).toBe(replacement.length);
      }
    });

    it('when a replacement is awaited while old codes are tried throughout, then no try that starts after it returns succeeds', async () => {
      const { mfa } = await freshStores();
      const { userId, codes } = await activeFactor(mfa);
      let replacedAt: number | undefined;
      const lateSuccesses: string[] = [];

      const replacing = mfa
        .replaceRecoveryCodes(userId, newRecoveryCodes(), at(2 * MINUTE))
        .then(() => {
          replacedAt = performance.now();
        });
      const trying = (async () => {
        for (const code of codes) {
          const startedAt = performance.now();
          const used = await mfa.useRecoveryCode(userId, code.lookupId, at(2 * MINUTE));
          if (used && replacedAt !== undefined && startedAt > replacedAt) {
            lateSuccesses.push(code.lookupId);
          }
        }
      })();
      await Promise.all([replacing, trying]);

      expect(lateSuccesses).toEqual([]);
    });
  });
}
