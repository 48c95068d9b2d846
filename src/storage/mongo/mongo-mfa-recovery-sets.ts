// Recovery codes on MongoDB, with no transaction and no update (mongo-mfa-documents.ts says why). A factor's codes
// are one set document, inserted whole at a place among the factor's sets; the set at the highest place of the
// user's active factor is current, so replacing the codes is one insert at the next place (of concurrent calls, each
// takes a place of its own, and the newest wins). A use is an insert-only record under the set and lookup id; it
// looks at the current set again after inserting and, finding it replaced, gives the use back, so it takes effect
// at that look: no code of a set that a replacement superseded before it returned is ever used. Sets left behind
// (superseded, or stored by a confirmation that lost) are deleted at once, and, should that not happen, by the
// sweep, through a check record inserted before the set is stored or superseded.
import { randomUUID } from 'node:crypto';
import type { NewRecoveryCode, StoredRecoveryCode } from '../ports/mfa-store.js';
import {
  recoveryCodeUseKey,
  type MfaFactorDocument,
  type MfaRecoverySetDocument,
} from './mongo-mfa-documents.js';
import * as mfaQuery from './mongo-mfa-queries.js';
import { duplicatesAside, isDuplicateKey } from './mongo-errors.js';
import type { MongoModels } from './mongo-models.js';
import * as query from './mongo-queries.js';

/** How long after a set is stored or superseded the sweep looks at it (every call that writes one is done by then). */
const SET_CHECK_DELAY_MS = 10 * 60 * 1000;
/** Places a replacement tries: each failed try means another replacement of the same factor took that place. */
const PLACING_ATTEMPTS = 20;

export function createMongoRecoverySets(models: MongoModels) {
  const {
    mfaFactors,
    mfaRecoverySets: sets,
    mfaRecoveryCodeUses: uses,
    mfaRecoverySetChecks: checks,
  } = models;

  async function newestSet(factorId: string): Promise<MfaRecoverySetDocument | undefined> {
    const set = await sets
      .findOne(mfaQuery.setsOfFactor(factorId))
      .sort(mfaQuery.byPlaceDescending)
      .lean<MfaRecoverySetDocument>();
    return set ?? undefined;
  }

  /** The current set of the user's active factor; undefined without one. */
  async function currentSet(userId: string): Promise<MfaRecoverySetDocument | undefined> {
    const factor = await mfaFactors
      .findOne(query.byId(userId), { factorId: 1 })
      .lean<Pick<MfaFactorDocument, 'factorId'>>();
    return factor ? newestSet(factor.factorId) : undefined;
  }

  async function checkLater(setId: string, userId: string, now: Date): Promise<void> {
    const dueAt = new Date(now.getTime() + SET_CHECK_DELAY_MS);
    // A set already waiting for its check keeps it.
    await duplicatesAside(() =>
      checks.insertMany([{ _id: setId, userId, dueAt }], { ordered: false }),
    );
  }

  /** Stores the set; false when another call took its place. */
  async function insertSet(set: MfaRecoverySetDocument): Promise<boolean> {
    try {
      await sets.create(set);
      return true;
    } catch (error) {
      // The set's id is new and random: a duplicate key is its place.
      if (isDuplicateKey(error, 'place')) return false;
      throw error;
    }
  }

  async function remove(setIds: string[]): Promise<void> {
    if (setIds.length === 0) return;
    await uses.deleteMany(mfaQuery.usesOfSets(setIds));
    await sets.deleteMany(query.idIn(setIds));
    await checks.deleteMany(query.idIn(setIds));
  }

  /** Deletes the sets of the factor placed before `place`, with their uses (best-effort; the sweep is the backstop). */
  async function removeBefore(factorId: string, place: number): Promise<void> {
    const earlier = await sets
      .find(mfaQuery.setsBefore(factorId, place), { _id: 1 })
      .lean<Array<{ _id: string }>>();
    await remove(earlier.map(({ _id }) => _id));
  }

  async function isCurrent(set: MfaRecoverySetDocument): Promise<boolean> {
    return (await currentSet(set.userId))?._id === set._id;
  }

  return {
    currentSet,
    remove,

    /**
     * Stores a confirmation's codes as the factor's first set; the set's id, or undefined when another confirmation
     * of this factor stored its own first.
     */
    async storeFirstSet(
      userId: string,
      factorId: string,
      codes: readonly NewRecoveryCode[],
      now: Date,
    ): Promise<string | undefined> {
      const setId = randomUUID();
      await checkLater(setId, userId, now);
      const set = { _id: setId, userId, factorId, place: 0, createdAt: now, codes: [...codes] };
      if (await insertSet(set)) return setId;
      await checks.deleteOne(query.byId(setId));
      return undefined;
    },

    async replace(userId: string, codes: readonly NewRecoveryCode[], now: Date): Promise<boolean> {
      for (let attempt = 0; attempt < PLACING_ATTEMPTS; attempt += 1) {
        const factor = await mfaFactors
          .findOne(query.byId(userId), { factorId: 1 })
          .lean<Pick<MfaFactorDocument, 'factorId'>>();
        if (!factor) return false;
        const current = await newestSet(factor.factorId);
        if (current) await checkLater(current._id, userId, now);
        const place = (current?.place ?? -1) + 1;
        const set = { _id: randomUUID(), userId, factorId: factor.factorId, place, createdAt: now };
        if (await insertSet({ ...set, codes: [...codes] })) {
          await removeBefore(factor.factorId, place);
          return true;
        }
      }
      throw new Error(`no free place for recovery codes after ${String(PLACING_ATTEMPTS)} tries`);
    },

    async find(userId: string, lookupId: string): Promise<StoredRecoveryCode | undefined> {
      const set = await currentSet(userId);
      const code = set?.codes.find((candidate) => candidate.lookupId === lookupId);
      if (!set || !code) return undefined;
      const used = await uses.exists(query.byId(recoveryCodeUseKey(set._id, lookupId)));
      return used === null ? { lookupId, codeHash: code.codeHash, usedAt: null } : undefined;
    },

    async use(userId: string, lookupId: string, now: Date): Promise<boolean> {
      const set = await currentSet(userId);
      if (!set?.codes.some((code) => code.lookupId === lookupId)) return false;
      const key = recoveryCodeUseKey(set._id, lookupId);
      try {
        await uses.create({ _id: key, userId, setId: set._id, usedAt: now });
      } catch (error) {
        if (isDuplicateKey(error, '_id')) return false;
        throw error;
      }
      if ((await currentSet(userId))?._id === set._id) return true;
      // Replaced meanwhile: the replacement came first.
      await uses.deleteOne(query.byId(key));
      return false;
    },

    async countUnused(userId: string): Promise<number> {
      const set = await currentSet(userId);
      if (!set) return 0;
      return set.codes.length - (await uses.countDocuments(mfaQuery.usesOfSets([set._id])));
    },

    async removeOfUser(userId: string): Promise<void> {
      await Promise.all([
        uses.deleteMany(mfaQuery.ofUser(userId)),
        sets.deleteMany(mfaQuery.ofUser(userId)),
        checks.deleteMany(mfaQuery.ofUser(userId)),
      ]);
    },

    /**
     * Looks at up to `limit` due checks: a set that is still current loses its check (its replacement will add one);
     * any other is deleted with its uses. Stops adding sets once their codes would pass `limit` (one set at least).
     * Resolves to how many codes were deleted.
     */
    async sweep(now: Date, limit: number): Promise<number> {
      const due = await checks
        .find(mfaQuery.checksDueBefore(now), { _id: 1 })
        .limit(limit)
        .lean<Array<{ _id: string }>>();
      const stale: string[] = [];
      let codes = 0;
      for (const { _id } of due) {
        const set = await sets.findOne(query.byId(_id)).lean<MfaRecoverySetDocument>();
        if (set && (await isCurrent(set))) {
          await checks.deleteOne(query.byId(_id));
          continue;
        }
        const size = set?.codes.length ?? 0;
        if (stale.length > 0 && codes + size > limit) break;
        stale.push(_id);
        codes += size;
      }
      await remove(stale);
      return codes;
    },
  };
}
