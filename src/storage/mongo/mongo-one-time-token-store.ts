// The one-time tokens port on MongoDB through Mongoose, with no transaction and no update (mongo-documents.ts says
// why). A token document is only inserted; its use is an insert-only record under the token's id, so of concurrent
// consumes exactly one insert succeeds. Newer and older are decided by each token's `sequence`, a place among its
// user's tokens of the purpose that two issues cannot share (a unique index), and a token is superseded once one with
// a higher place exists; a supersession record, inserted by the issue that superseded it, keeps it so after that
// newer token is swept. A consume looks for a newer token again after inserting its use and, finding one, gives the
// use back: it takes effect at that look, so it never consumes a token an issue that finished before it superseded.
import type { NewOneTimeToken, OneTimeTokenStore } from '../ports/one-time-token-store.js';
import { toConsumedOneTimeToken, type OneTimeTokenDocument } from './mongo-documents.js';
import { duplicatesAside, isDuplicateKey } from './mongo-errors.js';
import type { MongoModels } from './mongo-models.js';
import * as query from './mongo-queries.js';

/** Places an issue tries before giving up: each failed try means another issue of the same user took that place. */
const PLACING_ATTEMPTS = 20;
/**
 * Uses and supersessions are swept this long after their token expired, not with it: a consume that read the token
 * just before the sweep removed it must still find the token's use (instances' clocks differ a little).
 */
const RECORDS_OUTLIVE_TOKENS_MS = 60 * 60 * 1000;

type IdOnly = Array<{ _id: string }>;
const idsOf = (documents: IdOnly) => documents.map((document) => document._id);

export function createMongoOneTimeTokenStore(models: MongoModels): OneTimeTokenStore {
  const { oneTimeTokens, oneTimeTokenUses, oneTimeTokenSupersessions } = models;

  /** Inserts the token at the place after the newest of its user's tokens of the purpose; resolves to that place. */
  async function insertInPlace(token: NewOneTimeToken): Promise<number> {
    for (let attempt = 0; attempt < PLACING_ATTEMPTS; attempt += 1) {
      const newest = await oneTimeTokens
        .findOne(query.oneTimeTokensOf(token.userId, token.purpose), { sequence: 1 })
        .sort(query.bySequenceDescending)
        .lean<Pick<OneTimeTokenDocument, 'sequence'>>();
      const sequence = (newest?.sequence ?? 0) + 1;
      try {
        await oneTimeTokens.create(tokenDocument(token, sequence));
        return sequence;
      } catch (error) {
        if (!isDuplicateKey(error, 'sequence')) throw error;
        // Another issue took the place first: read the newest again.
      }
    }
    throw new Error(`no free place for a one-time token after ${String(PLACING_ATTEMPTS)} tries`);
  }

  /** Records the supersession of every token of the user and purpose placed before `sequence`. */
  async function supersedeEarlier(token: NewOneTimeToken, sequence: number, now: Date) {
    const earlier = await oneTimeTokens
      .find(query.earlierOneTimeTokens(token.userId, token.purpose, sequence), {
        _id: 1,
        expiresAt: 1,
      })
      .lean<Array<Pick<OneTimeTokenDocument, '_id' | 'expiresAt'>>>();
    if (earlier.length === 0) return;
    const records = earlier.map(({ _id, expiresAt }) => ({ _id, supersededAt: now, expiresAt }));
    // Those superseded before keep their first record: duplicates, not errors.
    await duplicatesAside(() => oneTimeTokenSupersessions.insertMany(records, { ordered: false }));
  }

  async function isSuperseded(token: OneTimeTokenDocument): Promise<boolean> {
    const [record, newer] = await Promise.all([
      oneTimeTokenSupersessions.exists(query.byId(token._id)),
      oneTimeTokens.exists(query.laterOneTimeTokens(token.userId, token.purpose, token.sequence)),
    ]);
    return record !== null || newer !== null;
  }

  return {
    async issueOneTimeToken(token, now) {
      const sequence = await insertInPlace(token);
      await supersedeEarlier(token, sequence, now);
    },

    async consumeOneTimeToken(tokenHash, purpose, now) {
      const token = await oneTimeTokens
        .findOne(query.oneTimeTokenByHash(tokenHash))
        .lean<OneTimeTokenDocument>();
      // A purpose never tells about another's tokens.
      if (!token || token.purpose !== purpose) return { outcome: 'unknown' };
      const [use, superseded] = await Promise.all([
        oneTimeTokenUses.exists(query.byId(token._id)),
        isSuperseded(token),
      ]);
      if (use !== null) return { outcome: 'used' };
      if (superseded) return { outcome: 'superseded' };
      if (token.expiresAt <= now) return { outcome: 'expired' };
      try {
        await oneTimeTokenUses.create({ _id: token._id, usedAt: now, expiresAt: token.expiresAt });
      } catch (error) {
        if (isDuplicateKey(error, '_id')) return { outcome: 'used' };
        throw error;
      }
      if (await isSuperseded(token)) {
        await oneTimeTokenUses.deleteOne(query.byId(token._id));
        return { outcome: 'superseded' };
      }
      return { outcome: 'consumed', token: toConsumedOneTimeToken(token, now) };
    },

    async findConsumableOneTimeToken(tokenHash, purpose, now) {
      const token = await oneTimeTokens
        .findOne(query.oneTimeTokenByHash(tokenHash))
        .lean<OneTimeTokenDocument>();
      if (!token || token.purpose !== purpose || token.expiresAt <= now) return undefined;
      const [use, superseded] = await Promise.all([
        oneTimeTokenUses.exists(query.byId(token._id)),
        isSuperseded(token),
      ]);
      if (use !== null || superseded) return undefined;
      return toConsumedOneTimeToken(token, null);
    },

    async sweepExpiredOneTimeTokens(now, limit) {
      const expired = await oneTimeTokens
        .find(query.expiredBefore(now), { _id: 1 })
        .limit(limit)
        .lean<IdOnly>();
      const removed =
        expired.length > 0
          ? (await oneTimeTokens.deleteMany(query.idIn(idsOf(expired)))).deletedCount
          : 0;
      const recordsBefore = new Date(now.getTime() - RECORDS_OUTLIVE_TOKENS_MS);
      const [uses, supersessions] = await Promise.all([
        oneTimeTokenUses
          .find(query.expiredBefore(recordsBefore), { _id: 1 })
          .limit(limit)
          .lean<IdOnly>(),
        oneTimeTokenSupersessions
          .find(query.expiredBefore(recordsBefore), { _id: 1 })
          .limit(limit)
          .lean<IdOnly>(),
      ]);
      if (uses.length > 0) await oneTimeTokenUses.deleteMany(query.idIn(idsOf(uses)));
      if (supersessions.length > 0) {
        await oneTimeTokenSupersessions.deleteMany(query.idIn(idsOf(supersessions)));
      }
      return removed;
    },
  };
}

function tokenDocument(token: NewOneTimeToken, sequence: number): OneTimeTokenDocument {
  return {
    _id: token.id,
    purpose: token.purpose,
    userId: token.userId,
    email: token.email,
    tokenHash: token.tokenHash,
    createdAt: token.createdAt,
    expiresAt: token.expiresAt,
    sequence,
  };
}
