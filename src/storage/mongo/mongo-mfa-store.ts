// The second-factor port on MongoDB through Mongoose, with no transaction and no update that a guarantee rests on
// (mongo-mfa-documents.ts says why). A setup replaces the user's pending factor whole; a confirmation stores its
// codes, then inserts the active factor under the user's id (of concurrent confirmations one insert wins; a loser
// deletes its codes, which were never current); an accepted TOTP step is an insert under the factor and step.
// Recovery codes and challenges are modules of their own.
import type { MfaStore, NewPendingFactor } from '../ports/mfa-store.js';
import { createMongoMfaChallenges } from './mongo-mfa-challenges.js';
import {
  toActiveFactor,
  toPendingFactor,
  totpStepKey,
  type MfaFactorDocument,
  type MfaPendingFactorDocument,
  type MfaTotpStepDocument,
} from './mongo-mfa-documents.js';
import * as mfaQuery from './mongo-mfa-queries.js';
import { createMongoRecoverySets } from './mongo-mfa-recovery-sets.js';
import { isDuplicateKey } from './mongo-errors.js';
import type { MongoModels } from './mongo-models.js';
import * as query from './mongo-queries.js';

const pendingDocument = (factor: NewPendingFactor) => ({
  _id: factor.userId,
  factorId: factor.id,
  sealedSecret: factor.sealedSecret,
  createdAt: factor.createdAt,
  pendingUntil: factor.pendingUntil,
});

export function createMongoMfaStore(models: MongoModels): MfaStore {
  const { mfaPendingFactors: pendingFactors, mfaFactors: factors, mfaTotpSteps: steps } = models;
  const recoverySets = createMongoRecoverySets(models);
  const { sweep: sweepChallenges, ...challenges } = createMongoMfaChallenges(models);

  const isEnabled = async (userId: string) => (await factors.exists(query.byId(userId))) !== null;

  async function lastUsedStep(factorId: string): Promise<number | null> {
    const latest = await steps
      .findOne(mfaQuery.stepsOfFactor(factorId), { step: 1 })
      .sort(mfaQuery.byStepDescending)
      .lean<Pick<MfaTotpStepDocument, 'step'>>();
    return latest?.step ?? null;
  }

  /** Records the step as accepted for the factor; false when it already was. */
  async function insertStep(userId: string, factorId: string, step: number): Promise<boolean> {
    try {
      await steps.create({ _id: totpStepKey(factorId, step), userId, factorId, step });
      return true;
    } catch (error) {
      if (isDuplicateKey(error, '_id')) return false;
      throw error;
    }
  }

  async function sweepPendingFactors(now: Date, limit: number): Promise<number> {
    const expired = await pendingFactors
      .find(mfaQuery.pendingExpiredBefore(now), { _id: 1 })
      .limit(limit)
      .lean<Array<{ _id: string }>>();
    if (expired.length === 0) return 0;
    // Still expired when deleted: a setup that replaced one meanwhile keeps its own.
    const ids = expired.map(({ _id }) => _id);
    return (await pendingFactors.deleteMany(mfaQuery.pendingExpiredAmong(ids, now))).deletedCount;
  }

  return {
    async savePendingFactor(factor) {
      if (await isEnabled(factor.userId)) return { outcome: 'already-enabled' };
      const replace = () =>
        pendingFactors.replaceOne(query.byId(factor.userId), pendingDocument(factor), {
          upsert: true,
          runValidators: true,
        });
      try {
        await replace();
      } catch (error) {
        // Two first setups at once both inserted: the other is in now, so this one replaces it.
        if (!isDuplicateKey(error, '_id')) throw error;
        await replace();
      }
      return { outcome: 'saved' };
    },

    async findFactor(userId) {
      const [active, pending] = await Promise.all([
        factors.findOne(query.byId(userId)).lean<MfaFactorDocument>(),
        pendingFactors.findOne(query.byId(userId)).lean<MfaPendingFactorDocument>(),
      ]);
      if (active) return toActiveFactor(active, await lastUsedStep(active.factorId));
      return pending ? toPendingFactor(userId, pending) : undefined;
    },

    async activateFactor(userId, factorId, acceptedStep, codes, now) {
      const [enabled, pending] = await Promise.all([
        isEnabled(userId),
        pendingFactors.findOne(query.byId(userId)).lean<MfaPendingFactorDocument>(),
      ]);
      if (enabled) return { outcome: 'already-enabled' };
      if (!pending || pending.factorId !== factorId || pending.pendingUntil <= now) {
        return { outcome: 'not-found' };
      }
      const setId = await recoverySets.storeFirstSet(userId, factorId, codes, now);
      // Another confirmation of this factor stored its codes first: it is the one that activates.
      if (setId === undefined) return { outcome: 'already-enabled' };
      await insertStep(userId, factorId, acceptedStep);
      try {
        await factors.create({
          _id: userId,
          factorId,
          sealedSecret: pending.sealedSecret,
          createdAt: pending.createdAt,
          confirmedAt: now,
        });
      } catch (error) {
        await recoverySets.remove([setId]);
        if (isDuplicateKey(error, '_id')) return { outcome: 'already-enabled' };
        throw error;
      }
      await pendingFactors.deleteOne(mfaQuery.pendingFactorOf(userId, factorId));
      return { outcome: 'activated' };
    },

    async advanceTotpStep(userId, factorId, step) {
      const active = await factors
        .findOne(query.byId(userId), { factorId: 1 })
        .lean<Pick<MfaFactorDocument, 'factorId'>>();
      if (active?.factorId !== factorId) return false;
      if (!(await insertStep(userId, factorId, step))) return false;
      // A later step recorded first: this one is at or before the last accepted.
      if (await steps.exists(mfaQuery.stepsAfter(factorId, step))) return false;
      // Only the latest step matters from now on (this one, which stays).
      await steps.deleteMany(mfaQuery.stepsBefore(factorId, step));
      return true;
    },

    async resealSecret(userId, factorId, from, to) {
      // A plain conditional update: racing reseals all write the same secret under the current key, so whichever
      // lands last is as good as any (the FerretDB caveat of mongo-mfa-documents.ts does not bite here).
      const resealed = await factors.updateOne(
        { ...query.byId(userId), factorId, sealedSecret: from },
        { $set: { sealedSecret: to } },
        { runValidators: true },
      );
      return resealed.modifiedCount === 1;
    },

    async deleteFactor(userId) {
      const [active, pending] = await Promise.all([
        factors.deleteOne(query.byId(userId)),
        pendingFactors.deleteOne(query.byId(userId)),
      ]);
      await Promise.all([
        steps.deleteMany(mfaQuery.ofUser(userId)),
        recoverySets.removeOfUser(userId),
      ]);
      return active.deletedCount + pending.deletedCount > 0;
    },

    findRecoveryCode: (userId, lookupId) => recoverySets.find(userId, lookupId),
    useRecoveryCode: (userId, lookupId, now) => recoverySets.use(userId, lookupId, now),
    replaceRecoveryCodes: (userId, codes, now) => recoverySets.replace(userId, codes, now),
    countUnusedRecoveryCodes: (userId) => recoverySets.countUnused(userId),

    ...challenges,

    async sweepExpiredMfa(now, limit) {
      return {
        challenges: await sweepChallenges(now, limit),
        pendingFactors: await sweepPendingFactors(now, limit),
        recoveryCodes: await recoverySets.sweep(now, limit),
      };
    },
  };
}
