// The sessions port on MongoDB through Mongoose, with no transaction and no update that a guarantee rests on
// (mongo-documents.ts says why). A revocation is an insert-only record, so nothing can undo it. The atomic step of
// rotation is the successor's insert under its unique `rotatedFrom`: of concurrent rotations of one token exactly one
// is stored, and the others learn the token was reused. Rotation is ordered against revocation by looking for the
// revocation after that insert: the rotation takes effect at that look, and one that finds the session ended removes
// its successor and answers 'revoked'. A revocation after the look ends a session whose rotation came first.
import type {
  NewRefreshToken,
  NewSession,
  RotationOutcome,
  SessionStore,
} from '../ports/session-store.js';
import {
  addedTokenKey,
  firstTokenKey,
  toRefreshToken,
  toSession,
  toUser,
  type RefreshTokenDocument,
  type SessionDocument,
  type SessionRevocationDocument,
  type UserDocument,
} from './mongo-documents.js';
import { isDuplicateKey, duplicatesAside } from './mongo-errors.js';
import type { MongoModels } from './mongo-models.js';
import * as query from './mongo-queries.js';
import { toSessionUser } from '../ports/user-store.js';

type Refusal = Exclude<RotationOutcome, { outcome: 'rotated' }>;

const tokenDocument = (token: NewRefreshToken, rotatedFrom: string): RefreshTokenDocument => ({
  _id: token.id,
  sessionId: token.sessionId,
  userId: token.userId,
  tokenHash: token.tokenHash,
  createdAt: token.createdAt,
  expiresAt: token.expiresAt,
  usedAt: null,
  replacedById: null,
  rotatedFrom,
});

const sessionDocument = (session: NewSession): SessionDocument => ({
  _id: session.id,
  userId: session.userId,
  createdAt: session.createdAt,
  lastUsedAt: session.createdAt,
  expiresAt: session.expiresAt,
  userAgent: session.userAgent,
  ip: session.ip,
});

const reused = (token: RefreshTokenDocument, usedAt: Date): Refusal => ({
  outcome: 'reused',
  sessionId: token.sessionId,
  userId: token.userId,
  usedAt,
});

export function createMongoSessionStore(models: MongoModels): SessionStore {
  const { users, userDeletions, sessions, sessionRevocations, refreshTokens } = models;

  const isRevoked = async (sessionId: string) =>
    (await sessionRevocations.exists(query.byId(sessionId))) !== null;

  /** Why `token` cannot rotate at `now`, from its session as it stands; undefined when nothing stands in the way. */
  async function refusalFor(token: RefreshTokenDocument, now: Date): Promise<Refusal | undefined> {
    const [session, revoked] = await Promise.all([
      sessions.findOne(query.byId(token.sessionId)).lean<SessionDocument>(),
      isRevoked(token.sessionId),
    ]);
    if (!session) return { outcome: 'unknown' };
    if (revoked) return { outcome: 'revoked' };
    if (token.usedAt !== null) return reused(token, token.usedAt);
    if (token.expiresAt <= now || session.expiresAt <= now) return { outcome: 'expired' };
    return undefined;
  }

  /**
   * Stores `token` under `rotatedFrom`, then keeps it only if its session has not been revoked. Resolves to 'stored',
   * 'taken' (another token already holds that key) or 'ended' (the session ended first; nothing is kept).
   */
  async function storeInLiveSession(
    token: NewRefreshToken,
    rotatedFrom: string,
  ): Promise<'stored' | 'taken' | 'ended'> {
    try {
      await refreshTokens.create(tokenDocument(token, rotatedFrom));
    } catch (error) {
      if (isDuplicateKey(error, 'rotatedFrom')) return 'taken';
      throw error;
    }
    if (!(await isRevoked(token.sessionId))) return 'stored';
    await refreshTokens.deleteOne(query.byId(token.id));
    return 'ended';
  }

  /** Ends the given sessions of `userId`; resolves to how many this call ended. */
  async function revoke(
    ended: Array<Pick<SessionDocument, '_id' | 'expiresAt'>>,
    userId: string,
    reason: SessionRevocationDocument['reason'],
    now: Date,
  ): Promise<number> {
    if (ended.length === 0) return 0;
    const documents = ended.map(({ _id, expiresAt }) => ({
      _id,
      userId,
      revokedAt: now,
      reason,
      expiresAt,
    }));
    // Unordered: each session's revocation is inserted on its own; those already ended are duplicates, not errors.
    return duplicatesAside(() => sessionRevocations.insertMany(documents, { ordered: false }));
  }

  return {
    async openSession(session, firstToken) {
      await sessions.create(sessionDocument(session));
      try {
        await refreshTokens.create(tokenDocument(firstToken, firstTokenKey(firstToken.id)));
      } catch (error) {
        // Without a transaction, undo the session so neither exists.
        await sessions.deleteOne(query.byId(session.id));
        throw error;
      }
    },

    async findLiveSession(sessionId, now) {
      const [session, revoked] = await Promise.all([
        sessions.findOne(query.unexpiredSession(sessionId, now)).lean<SessionDocument>(),
        isRevoked(sessionId),
      ]);
      if (!session || revoked) return undefined;
      const [user, deletion] = await Promise.all([
        users.findOne(query.byId(session.userId)).lean<UserDocument>(),
        userDeletions.exists(query.byId(session.userId)),
      ]);
      if (!user || deletion !== null) return undefined;
      return { session: toSession(session), user: toSessionUser(toUser(user)) };
    },

    async findRefreshToken(tokenHash) {
      const document = await refreshTokens
        .findOne(query.refreshTokenByHash(tokenHash))
        .lean<RefreshTokenDocument>();
      return document ? toRefreshToken(document) : undefined;
    },

    async rotateRefreshToken(tokenHash, successor, now) {
      const token = await refreshTokens
        .findOne(query.refreshTokenByHash(tokenHash))
        .lean<RefreshTokenDocument>();
      if (!token || token.sessionId !== successor.sessionId || token.userId !== successor.userId) {
        return { outcome: 'unknown' };
      }
      const refusal = await refusalFor(token, now);
      if (refusal) return refusal;
      const stored = await storeInLiveSession(successor, token._id);
      if (stored === 'taken') return reused(token, now);
      if (stored === 'ended') return { outcome: 'revoked' };
      await Promise.all([
        refreshTokens.updateOne(
          query.unusedRefreshToken(token._id),
          query.markRefreshTokenUsed(now, successor.id),
        ),
        sessions.updateOne(query.byId(token.sessionId), query.touchSession(now)),
      ]);
      return { outcome: 'rotated' };
    },

    async addRefreshToken(token, now) {
      const [session, revoked] = await Promise.all([
        sessions.exists(query.unexpiredSession(token.sessionId, now)),
        isRevoked(token.sessionId),
      ]);
      if (session === null || revoked) return false;
      return (await storeInLiveSession(token, addedTokenKey(token.id))) === 'stored';
    },

    async revokeSession(sessionId, reason, now) {
      const session = await sessions.findOne(query.byId(sessionId)).lean<SessionDocument>();
      if (!session) return false;
      return (await revoke([session], session.userId, reason, now)) === 1;
    },

    async revokeUserSessions(userId, reason, now, exceptSessionId) {
      const owned = await sessions
        .find(query.sessionsOfUser(userId), { _id: 1, expiresAt: 1 })
        .lean<Array<Pick<SessionDocument, '_id' | 'expiresAt'>>>();
      const ended = owned.filter((session) => session._id !== exceptSessionId);
      return revoke(ended, userId, reason, now);
    },

    async listLiveSessions(userId, now) {
      const unexpired = await sessions
        .find(query.unexpiredSessionsOfUser(userId, now))
        .sort(query.byLastUse)
        .lean<SessionDocument[]>();
      if (unexpired.length === 0) return [];
      const revoked = new Set(
        await sessionRevocations.distinct('_id', query.idIn(unexpired.map(({ _id }) => _id))),
      );
      return unexpired.filter(({ _id }) => !revoked.has(_id)).map((session) => toSession(session));
    },

    async sweepExpired(now, limit) {
      // The same bounded sweep as the embedded store's; on MongoDB a TTL index is a second line (mongo-setup.ts).
      const expiredTokens = await refreshTokens
        .find(query.expiredBefore(now), { _id: 1 })
        .limit(limit)
        .lean<Array<{ _id: string }>>();
      const tokenIds = expiredTokens.map((token) => token._id);
      const removedTokens =
        tokenIds.length > 0
          ? (await refreshTokens.deleteMany(query.idIn(tokenIds))).deletedCount
          : 0;
      if (removedTokens >= limit) return { refreshTokens: removedTokens, sessions: 0 };

      const expiredSessions = await sessions
        .find(query.expiredBefore(now), { _id: 1 })
        .limit(limit)
        .lean<Array<{ _id: string }>>();
      const candidates = expiredSessions.map((session) => session._id);
      if (candidates.length === 0) return { refreshTokens: removedTokens, sessions: 0 };
      const holding = new Set<string>(
        await refreshTokens.distinct('sessionId', query.sessionIdIn(candidates)),
      );
      const removable = candidates.filter((id) => !holding.has(id));
      if (removable.length === 0) return { refreshTokens: removedTokens, sessions: 0 };
      const removedSessions = (await sessions.deleteMany(query.idIn(removable))).deletedCount;
      // A revocation goes with its session: nothing can use the session any more.
      await sessionRevocations.deleteMany(query.idIn(removable));
      return { refreshTokens: removedTokens, sessions: removedSessions };
    },
  };
}
