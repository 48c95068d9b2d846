// The second-factor port's contract (src/storage/ports/mfa-store.ts), run against every adapter by
// stores-contract.ts: the factor's life (pending, replaced, confirmed, deleted), the TOTP step that only moves
// forward, recovery codes (used once, replaced whole), login challenges (failures capped, used once), the bounded
// sweep; the races are in mfa-races.contract.ts.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { MfaStore, NewRecoveryCode } from '../../src/storage/ports/mfa-store.js';
import { at, type ContractHelpers } from './fixtures.js';
import { describeMfaRaces } from './mfa-races.contract.js';
import {
  MAX_FAILURES,
  MINUTE,
  fakeChallengeHash,
  fakeDeviceId,
  newChallenge,
  newPendingFactor,
  newRecoveryCodes,
} from './mfa-fixtures.js';

/** A user with an active factor (confirmed at 1 minute with `acceptedStep`) and its ten recovery codes. */
export async function activeFactor(mfa: MfaStore, acceptedStep = 1000) {
  const factor = newPendingFactor();
  const codes = newRecoveryCodes();
  await mfa.savePendingFactor(factor);
  const activated = await mfa.activateFactor(
    factor.userId,
    factor.id,
    acceptedStep,
    codes,
    at(MINUTE),
  );
  if (activated.outcome !== 'activated')
    throw new Error(`arrange: activateFactor was ${activated.outcome}`);
  return { factor, codes, userId: factor.userId };
}

/** Whether each code can still be found (unused, of the user's active factor). */
async function findable(mfa: MfaStore, userId: string, codes: readonly NewRecoveryCode[]) {
  return Promise.all(
    codes.map(async (code) => (await mfa.findRecoveryCode(userId, code.lookupId)) !== undefined),
  );
}

export function describeMfaStoreContract(helpers: ContractHelpers): void {
  const { freshStores } = helpers;
  describe('mfa port', () => {
    describe('factor', () => {
      it('when a pending factor is saved, then findFactor returns it as given, pending', async () => {
        const { mfa } = await freshStores();
        const factor = newPendingFactor();

        expect(await mfa.savePendingFactor(factor)).toEqual({ outcome: 'saved' });

        expect(await mfa.findFactor(factor.userId)).toEqual({
          ...factor,
          status: 'pending',
          confirmedAt: null,
          lastUsedStep: null,
        });
        expect(await mfa.findFactor(randomUUID())).toBeUndefined();
      });

      it('when a second setup saves a pending factor, then it replaces the first, which can no longer be confirmed', async () => {
        const { mfa } = await freshStores();
        const first = newPendingFactor();
        const second = newPendingFactor({ userId: first.userId, createdAt: at(MINUTE) });
        await mfa.savePendingFactor(first);

        expect(await mfa.savePendingFactor(second)).toEqual({ outcome: 'saved' });

        expect(await mfa.findFactor(first.userId)).toMatchObject({
          id: second.id,
          sealedSecret: second.sealedSecret,
        });
        const codes = newRecoveryCodes();
        expect(await mfa.activateFactor(first.userId, first.id, 1, codes, at(MINUTE))).toEqual({
          outcome: 'not-found',
        });
        expect(await findable(mfa, first.userId, codes)).not.toContain(true);
        expect(
          await mfa.activateFactor(first.userId, second.id, 1, newRecoveryCodes(), at(MINUTE)),
        ).toEqual({ outcome: 'activated' });
      });

      it('when a pending factor is confirmed, then it is active with the accepted step, and its codes are usable', async () => {
        const { mfa } = await freshStores();
        const factor = newPendingFactor();
        const codes = newRecoveryCodes();
        await mfa.savePendingFactor(factor);

        expect(
          await mfa.activateFactor(factor.userId, factor.id, 1234, codes, at(2 * MINUTE)),
        ).toEqual({ outcome: 'activated' });

        expect(await mfa.findFactor(factor.userId)).toEqual({
          ...factor,
          status: 'active',
          pendingUntil: null,
          confirmedAt: at(2 * MINUTE),
          lastUsedStep: 1234,
        });
        expect(await mfa.countUnusedRecoveryCodes(factor.userId)).toBe(10);
        for (const code of codes) {
          expect(await mfa.findRecoveryCode(factor.userId, code.lookupId)).toEqual({
            ...code,
            usedAt: null,
          });
        }
      });

      it('when the user has an active factor, then a setup and a second confirmation are refused and change nothing', async () => {
        const { mfa } = await freshStores();
        const { factor, userId, codes } = await activeFactor(mfa);
        const before = await mfa.findFactor(userId);
        const other = newPendingFactor({ userId });

        expect(await mfa.savePendingFactor(other)).toEqual({ outcome: 'already-enabled' });
        const lateCodes = newRecoveryCodes();
        expect(await mfa.activateFactor(userId, factor.id, 2000, lateCodes, at(MINUTE))).toEqual({
          outcome: 'already-enabled',
        });
        expect(await mfa.activateFactor(userId, other.id, 2000, lateCodes, at(MINUTE))).toEqual({
          outcome: 'already-enabled',
        });

        expect(await mfa.findFactor(userId)).toEqual(before);
        expect(await findable(mfa, userId, codes)).not.toContain(false);
        expect(await findable(mfa, userId, lateCodes)).not.toContain(true);
      });

      it('when a confirmation comes at exactly pendingUntil, then it is not found; a millisecond before, it activates', async () => {
        const { mfa } = await freshStores();
        const factor = newPendingFactor({ pendingUntil: at(10 * MINUTE) });
        await mfa.savePendingFactor(factor);
        const { userId, id } = factor;

        const lateCodes = newRecoveryCodes();
        expect(await mfa.activateFactor(userId, id, 1, lateCodes, at(10 * MINUTE))).toEqual({
          outcome: 'not-found',
        });
        expect(await mfa.activateFactor(userId, randomUUID(), 1, lateCodes, at(0))).toEqual({
          outcome: 'not-found',
        });
        expect(await mfa.activateFactor(randomUUID(), id, 1, lateCodes, at(0))).toEqual({
          outcome: 'not-found',
        });
        expect(await mfa.findFactor(userId)).toMatchObject({ status: 'pending' });
        expect(await mfa.countUnusedRecoveryCodes(userId)).toBe(0);

        const codes = newRecoveryCodes();
        expect(await mfa.activateFactor(userId, id, 1, codes, at(10 * MINUTE - 1))).toEqual({
          outcome: 'activated',
        });
        expect(await findable(mfa, userId, lateCodes)).not.toContain(true);
        expect(await findable(mfa, userId, codes)).not.toContain(false);
      });

      it('when a factor is deleted, then it and its codes are gone, and the user can enrol again with new codes only', async () => {
        const { mfa } = await freshStores();
        const { userId, codes } = await activeFactor(mfa);

        expect(await mfa.deleteFactor(userId)).toBe(true);
        expect(await mfa.deleteFactor(userId)).toBe(false);

        expect(await mfa.findFactor(userId)).toBeUndefined();
        expect(await mfa.countUnusedRecoveryCodes(userId)).toBe(0);
        expect(await findable(mfa, userId, codes)).not.toContain(true);
        expect(await mfa.useRecoveryCode(userId, codes[0]?.lookupId ?? '', at(MINUTE))).toBe(false);

        const again = newPendingFactor({ userId });
        expect(await mfa.savePendingFactor(again)).toEqual({ outcome: 'saved' });
        const newCodes = newRecoveryCodes();
        expect(await mfa.activateFactor(userId, again.id, 5, newCodes, at(MINUTE))).toEqual({
          outcome: 'activated',
        });
        expect(await mfa.countUnusedRecoveryCodes(userId)).toBe(10);
        expect(await findable(mfa, userId, codes)).not.toContain(true);
        expect(await mfa.findFactor(userId)).toMatchObject({ id: again.id, lastUsedStep: 5 });
      });

      it('when a pending factor is deleted, then it is gone and cannot be confirmed', async () => {
        const { mfa } = await freshStores();
        const factor = newPendingFactor();
        await mfa.savePendingFactor(factor);

        expect(await mfa.deleteFactor(factor.userId)).toBe(true);

        expect(await mfa.findFactor(factor.userId)).toBeUndefined();
        expect(
          await mfa.activateFactor(factor.userId, factor.id, 1, newRecoveryCodes(), at(MINUTE)),
        ).toEqual({ outcome: 'not-found' });
      });
    });

    describe('resealing', () => {
      it('when the sealed secret is still the one given, then it is replaced and nothing else changes', async () => {
        const { mfa } = await freshStores();
        const { factor, userId } = await activeFactor(mfa, 100);
        const before = await mfa.findFactor(userId);

        expect(
          await mfa.resealSecret(userId, factor.id, factor.sealedSecret, 'v1.new.resealed'),
        ).toBe(true);
        expect(await mfa.findFactor(userId)).toEqual({
          ...before,
          sealedSecret: 'v1.new.resealed',
        });
        // Sealed again already: a second reseal from the old value changes nothing.
        expect(await mfa.resealSecret(userId, factor.id, factor.sealedSecret, 'v1.other.x')).toBe(
          false,
        );
        expect((await mfa.findFactor(userId))?.sealedSecret).toBe('v1.new.resealed');
      });

      it('when the factor is pending, another one, or absent, then nothing is resealed', async () => {
        const { mfa } = await freshStores();
        const pending = newPendingFactor();
        await mfa.savePendingFactor(pending);
        const { factor, userId } = await activeFactor(mfa);

        expect(
          await mfa.resealSecret(pending.userId, pending.id, pending.sealedSecret, 'v1.new.x'),
        ).toBe(false);
        expect(await mfa.resealSecret(userId, pending.id, factor.sealedSecret, 'v1.new.x')).toBe(
          false,
        );
        expect(await mfa.resealSecret(randomUUID(), factor.id, factor.sealedSecret, 'v1.x')).toBe(
          false,
        );
        expect((await mfa.findFactor(pending.userId))?.sealedSecret).toBe(pending.sealedSecret);
        expect((await mfa.findFactor(userId))?.sealedSecret).toBe(factor.sealedSecret);
      });
    });

    describe('TOTP step', () => {
      it('when steps are presented, then only one later than the last accepted advances it', async () => {
        const { mfa } = await freshStores();
        const { factor, userId } = await activeFactor(mfa, 100);
        const advance = (step: number) => mfa.advanceTotpStep(userId, factor.id, step);

        expect(await advance(100)).toBe(false);
        expect(await advance(99)).toBe(false);
        expect(await advance(101)).toBe(true);
        expect(await advance(101)).toBe(false);
        expect(await advance(103)).toBe(true);
        expect(await advance(102)).toBe(false);

        expect((await mfa.findFactor(userId))?.lastUsedStep).toBe(103);
      });

      it('when the factor is pending, another one, or absent, then no step advances', async () => {
        const { mfa } = await freshStores();
        const pending = newPendingFactor();
        await mfa.savePendingFactor(pending);
        const { userId } = await activeFactor(mfa, 100);

        expect(await mfa.advanceTotpStep(pending.userId, pending.id, 1)).toBe(false);
        expect(await mfa.advanceTotpStep(userId, pending.id, 200)).toBe(false);
        expect(await mfa.advanceTotpStep(randomUUID(), pending.id, 200)).toBe(false);
        expect((await mfa.findFactor(pending.userId))?.lastUsedStep).toBeNull();
        expect((await mfa.findFactor(userId))?.lastUsedStep).toBe(100);
      });
    });

    describe('recovery codes', () => {
      it('when a code is used, then it is used once: not found again, and one fewer is left', async () => {
        const { mfa } = await freshStores();
        const { userId, codes } = await activeFactor(mfa);
        const [code] = codes;
        if (!code) throw new Error('arrange: no code');

        expect(await mfa.useRecoveryCode(userId, code.lookupId, at(2 * MINUTE))).toBe(true);
        expect(await mfa.useRecoveryCode(userId, code.lookupId, at(2 * MINUTE))).toBe(false);

        expect(await mfa.findRecoveryCode(userId, code.lookupId)).toBeUndefined();
        expect(await mfa.countUnusedRecoveryCodes(userId)).toBe(9);
        expect(await findable(mfa, userId, codes.slice(1))).not.toContain(false);
      });

      it("when a lookup id is unknown or another user's, then nothing is found or used", async () => {
        const { mfa } = await freshStores();
        const ada = await activeFactor(mfa);
        const bob = await activeFactor(mfa);
        const adaCode = ada.codes[0]?.lookupId ?? '';

        expect(await mfa.findRecoveryCode(ada.userId, 'zzzz')).toBeUndefined();
        expect(await mfa.useRecoveryCode(ada.userId, 'zzzz', at(MINUTE))).toBe(false);
        expect(await mfa.findRecoveryCode(bob.userId, adaCode)).toBeUndefined();
        expect(await mfa.useRecoveryCode(bob.userId, adaCode, at(MINUTE))).toBe(false);
        expect(await mfa.countUnusedRecoveryCodes(ada.userId)).toBe(10);
        expect(await mfa.countUnusedRecoveryCodes(randomUUID())).toBe(0);
      });

      it('when the codes are replaced, then no old code is usable and every new one is', async () => {
        const { mfa } = await freshStores();
        const { userId, codes } = await activeFactor(mfa);
        await mfa.useRecoveryCode(userId, codes[0]?.lookupId ?? '', at(MINUTE));
        const replacement = newRecoveryCodes(8);

        expect(await mfa.replaceRecoveryCodes(userId, replacement, at(2 * MINUTE))).toBe(true);

        expect(await findable(mfa, userId, codes)).not.toContain(true);
        for (const code of codes) {
          expect(await mfa.useRecoveryCode(userId, code.lookupId, at(2 * MINUTE))).toBe(false);
        }
        expect(await findable(mfa, userId, replacement)).not.toContain(false);
        expect(await mfa.countUnusedRecoveryCodes(userId)).toBe(8);
      });

      it('when the user has no active factor, then replacing codes is refused and stores none', async () => {
        const { mfa } = await freshStores();
        const pending = newPendingFactor();
        await mfa.savePendingFactor(pending);
        const codes = newRecoveryCodes();

        expect(await mfa.replaceRecoveryCodes(pending.userId, codes, at(MINUTE))).toBe(false);
        expect(await mfa.replaceRecoveryCodes(randomUUID(), codes, at(MINUTE))).toBe(false);

        expect(await mfa.countUnusedRecoveryCodes(pending.userId)).toBe(0);
        expect(await findable(mfa, pending.userId, codes)).not.toContain(true);
      });
    });

    describe('challenges', () => {
      it('when a challenge is created, then it is live as given until its expiry, and unknown hashes are not', async () => {
        const { mfa } = await freshStores();
        const challenge = newChallenge({ deviceId: fakeDeviceId() });
        await mfa.createChallenge(challenge);

        expect(await mfa.findLiveChallenge(challenge.tokenHash, at(MINUTE), MAX_FAILURES)).toEqual({
          ...challenge,
          failures: 0,
          usedAt: null,
        });
        const justBefore = new Date(challenge.expiresAt.getTime() - 1);
        expect(
          await mfa.findLiveChallenge(challenge.tokenHash, justBefore, MAX_FAILURES),
        ).toBeDefined();
        expect(
          await mfa.findLiveChallenge(challenge.tokenHash, challenge.expiresAt, MAX_FAILURES),
        ).toBeUndefined();
        expect(
          await mfa.findLiveChallenge(fakeChallengeHash(), at(0), MAX_FAILURES),
        ).toBeUndefined();
      });

      it('when wrong codes are counted, then the one reaching the cap burns the challenge, and after it nothing counts', async () => {
        const { mfa } = await freshStores();
        const challenge = newChallenge();
        await mfa.createChallenge(challenge);
        const fail = () =>
          mfa.recordChallengeFailure(challenge.tokenHash, at(MINUTE), MAX_FAILURES);

        const counted = [];
        for (let attempt = 0; attempt < MAX_FAILURES; attempt += 1) counted.push(await fail());

        expect(counted).toEqual([
          { outcome: 'counted', failures: 1, burned: false },
          { outcome: 'counted', failures: 2, burned: false },
          { outcome: 'counted', failures: 3, burned: false },
          { outcome: 'counted', failures: 4, burned: false },
          { outcome: 'counted', failures: 5, burned: true },
        ]);
        expect(await fail()).toEqual({ outcome: 'not-live' });
        expect(
          await mfa.findLiveChallenge(challenge.tokenHash, at(MINUTE), MAX_FAILURES),
        ).toBeUndefined();
        expect(await mfa.consumeChallenge(challenge.tokenHash, at(MINUTE), MAX_FAILURES)).toBe(
          false,
        );
      });

      it('when a challenge has failures under the cap, then it is live with its count and can be consumed once', async () => {
        const { mfa } = await freshStores();
        const challenge = newChallenge();
        await mfa.createChallenge(challenge);
        await mfa.recordChallengeFailure(challenge.tokenHash, at(MINUTE), MAX_FAILURES);
        await mfa.recordChallengeFailure(challenge.tokenHash, at(MINUTE), MAX_FAILURES);

        expect(
          await mfa.findLiveChallenge(challenge.tokenHash, at(MINUTE), MAX_FAILURES),
        ).toMatchObject({ failures: 2, usedAt: null });
        expect(await mfa.consumeChallenge(challenge.tokenHash, at(2 * MINUTE), MAX_FAILURES)).toBe(
          true,
        );
        expect(await mfa.consumeChallenge(challenge.tokenHash, at(2 * MINUTE), MAX_FAILURES)).toBe(
          false,
        );

        expect(
          await mfa.findLiveChallenge(challenge.tokenHash, at(2 * MINUTE), MAX_FAILURES),
        ).toBeUndefined();
        expect(
          await mfa.recordChallengeFailure(challenge.tokenHash, at(2 * MINUTE), MAX_FAILURES),
        ).toEqual({ outcome: 'not-live' });
      });

      it('when a challenge is expired or unknown, then it is neither consumed nor counted', async () => {
        const { mfa } = await freshStores();
        const challenge = newChallenge({ expiresAt: at(5 * MINUTE) });
        await mfa.createChallenge(challenge);

        expect(await mfa.consumeChallenge(challenge.tokenHash, at(5 * MINUTE), MAX_FAILURES)).toBe(
          false,
        );
        expect(
          await mfa.recordChallengeFailure(challenge.tokenHash, at(5 * MINUTE), MAX_FAILURES),
        ).toEqual({ outcome: 'not-live' });
        expect(await mfa.consumeChallenge(fakeChallengeHash(), at(0), MAX_FAILURES)).toBe(false);
        expect(await mfa.recordChallengeFailure(fakeChallengeHash(), at(0), MAX_FAILURES)).toEqual({
          outcome: 'not-live',
        });
        // Still unused: a millisecond before its expiry it could be consumed.
        expect(
          await mfa.consumeChallenge(challenge.tokenHash, at(5 * MINUTE - 1), MAX_FAILURES),
        ).toBe(true);
      });
    });

    describe('sweep', () => {
      it('when the sweep runs, then it deletes expired challenges and pending factors, at most the limit of each per call', async () => {
        const { mfa } = await freshStores();
        const expiredChallenges = Array.from({ length: 3 }, (_, index) =>
          newChallenge({ expiresAt: at((index + 1) * MINUTE) }),
        );
        const liveChallenge = newChallenge({ expiresAt: at(10 * MINUTE) });
        for (const challenge of [...expiredChallenges, liveChallenge])
          await mfa.createChallenge(challenge);
        const expiredFactors = Array.from({ length: 3 }, (_, index) =>
          newPendingFactor({ pendingUntil: at((index + 1) * MINUTE) }),
        );
        const liveFactor = newPendingFactor({ pendingUntil: at(10 * MINUTE) });
        for (const factor of [...expiredFactors, liveFactor]) await mfa.savePendingFactor(factor);
        const active = await activeFactor(mfa);
        const now = at(10 * MINUTE);

        const batches = [
          await mfa.sweepExpiredMfa(now, 2),
          await mfa.sweepExpiredMfa(now, 2),
          await mfa.sweepExpiredMfa(now, 2),
        ];

        expect(
          batches.map(({ challenges, pendingFactors }) => [challenges, pendingFactors]),
        ).toEqual([
          [2, 2],
          [1, 1],
          [0, 0],
        ]);
        for (const factor of expiredFactors)
          expect(await mfa.findFactor(factor.userId)).toBeUndefined();
        expect(await mfa.findFactor(liveFactor.userId)).toMatchObject({ status: 'pending' });
        // An active factor has no end: the sweep keeps it and every one of its codes.
        expect(await mfa.findFactor(active.userId)).toMatchObject({ status: 'active' });
        expect(await mfa.countUnusedRecoveryCodes(active.userId)).toBe(10);
        // Expiring exactly now: no longer live, but not yet swept (expired before now only).
        expect(
          await mfa.consumeChallenge(liveChallenge.tokenHash, at(10 * MINUTE - 1), MAX_FAILURES),
        ).toBe(true);
      });

      it('when codes were replaced, then a sweep keeps the new ones usable and the old ones unusable', async () => {
        const { mfa } = await freshStores();
        const { userId, codes } = await activeFactor(mfa);
        const replacement = newRecoveryCodes();
        await mfa.replaceRecoveryCodes(userId, replacement, at(2 * MINUTE));

        for (let call = 0; call < 3; call += 1) await mfa.sweepExpiredMfa(at(60 * MINUTE), 1000);

        expect(await findable(mfa, userId, replacement)).not.toContain(false);
        expect(await findable(mfa, userId, codes)).not.toContain(true);
      });
    });

    describeMfaRaces(helpers);
  });
}
