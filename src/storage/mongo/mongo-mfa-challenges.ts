// Login challenges on MongoDB, with no transaction and no update (mongo-mfa-documents.ts says why). A challenge is
// only inserted; its use is an insert-only record under its id (of concurrent consumes one insert wins), and each
// wrong code an insert at the first free place below the cap (of any number of concurrent failures, exactly the cap
// are counted, and the one at the last place burns it).
import type { MfaStore, NewMfaChallenge } from '../ports/mfa-store.js';
import {
  challengeFailureKey,
  toChallenge,
  type MfaChallengeDocument,
} from './mongo-mfa-documents.js';
import * as mfaQuery from './mongo-mfa-queries.js';
import { isDuplicateKey } from './mongo-errors.js';
import type { MongoModels } from './mongo-models.js';
import * as query from './mongo-queries.js';

/**
 * Uses and failures are swept this long after their challenge expired, not with it: a call that read the challenge
 * just before the sweep removed it must still find them (instances' clocks differ a little).
 */
const RECORDS_OUTLIVE_CHALLENGES_MS = 60 * 60 * 1000;

type IdOnly = Array<{ _id: string }>;

export type MongoMfaChallenges = Pick<
  MfaStore,
  'createChallenge' | 'findLiveChallenge' | 'recordChallengeFailure' | 'consumeChallenge'
> & { sweep: (now: Date, limit: number) => Promise<number> };

export function createMongoMfaChallenges(models: MongoModels): MongoMfaChallenges {
  const {
    mfaChallenges: challenges,
    mfaChallengeFailures: failures,
    mfaChallengeUses: uses,
  } = models;

  /** The challenge with this hash if it is unexpired at `now` and unused, with its failures so far. */
  async function unspent(tokenHash: string, now: Date) {
    const challenge = await challenges
      .findOne(mfaQuery.challengeByHash(tokenHash))
      .lean<MfaChallengeDocument>();
    if (!challenge || challenge.expiresAt <= now) return undefined;
    const [used, failed] = await Promise.all([
      uses.exists(query.byId(challenge._id)),
      failures.countDocuments(mfaQuery.failuresOf(challenge._id)),
    ]);
    return used === null ? { challenge, failed } : undefined;
  }

  const idsOf = (documents: IdOnly) => documents.map(({ _id }) => _id);

  return {
    async createChallenge(challenge: NewMfaChallenge) {
      await challenges.create({
        _id: challenge.id,
        userId: challenge.userId,
        tokenHash: challenge.tokenHash,
        createdAt: challenge.createdAt,
        expiresAt: challenge.expiresAt,
        deviceId: challenge.deviceId,
      });
    },

    async findLiveChallenge(tokenHash, now, maxFailures) {
      const found = await unspent(tokenHash, now);
      return found && found.failed < maxFailures
        ? toChallenge(found.challenge, found.failed)
        : undefined;
    },

    async recordChallengeFailure(tokenHash, now, maxFailures) {
      const found = await unspent(tokenHash, now);
      if (!found) return { outcome: 'not-live' };
      const { challenge } = found;
      // Places below the count are all taken (each call moves up only past a taken one), so the first free is here.
      for (let place = found.failed; place < maxFailures; place += 1) {
        try {
          await failures.create({
            _id: challengeFailureKey(challenge._id, place),
            challengeId: challenge._id,
            expiresAt: challenge.expiresAt,
          });
        } catch (error) {
          if (isDuplicateKey(error, '_id')) continue;
          throw error;
        }
        return { outcome: 'counted', failures: place + 1, burned: place + 1 >= maxFailures };
      }
      return { outcome: 'not-live' };
    },

    async consumeChallenge(tokenHash, now, maxFailures) {
      const found = await unspent(tokenHash, now);
      if (!found || found.failed >= maxFailures) return false;
      try {
        await uses.create({
          _id: found.challenge._id,
          usedAt: now,
          expiresAt: found.challenge.expiresAt,
        });
        return true;
      } catch (error) {
        if (isDuplicateKey(error, '_id')) return false;
        throw error;
      }
    },

    async sweep(now, limit) {
      const expired = idsOf(
        await challenges.find(query.expiredBefore(now), { _id: 1 }).limit(limit).lean<IdOnly>(),
      );
      const removed =
        expired.length > 0 ? (await challenges.deleteMany(query.idIn(expired))).deletedCount : 0;
      // Bounded like the rest; not counted in the result.
      const recordsBefore = query.expiredBefore(
        new Date(now.getTime() - RECORDS_OUTLIVE_CHALLENGES_MS),
      );
      const [expiredUses, expiredFailures] = await Promise.all([
        uses.find(recordsBefore, { _id: 1 }).limit(limit).lean<IdOnly>(),
        failures.find(recordsBefore, { _id: 1 }).limit(limit).lean<IdOnly>(),
      ]);
      if (expiredUses.length > 0) await uses.deleteMany(query.idIn(idsOf(expiredUses)));
      if (expiredFailures.length > 0) {
        await failures.deleteMany(query.idIn(idsOf(expiredFailures)));
      }
      return removed;
    },
  };
}
