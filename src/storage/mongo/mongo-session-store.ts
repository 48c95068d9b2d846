// The sessions port on MongoDB through Mongoose. Rotation's winner is decided by one conditional update
// (findOneAndUpdate on "not yet used"); the reads around it only classify what happened.
import type {
  NewRefreshToken,
  NewSession,
  RotationOutcome,
  SessionStore,
} from '../ports/session-store.js';
import {
  toRefreshToken,
  toSession,
  toUser,
  type RefreshTokenDocument,
  type SessionDocument,
  type UserDocument,
} from './mongo-documents.js';
import type { MongoModels } from './mongo-models.js';
import * as query from './mongo-queries.js';

export function createMongoSessionStore(models: MongoModels): SessionStore {
  const { users, sessions, refreshTokens } = models;

  const tokenDocument = (token: NewRefreshToken): RefreshTokenDocument => ({
    _id: token.id,
    sessionId: token.sessionId,
    userId: token.userId,
    tokenHash: token.tokenHash,
    createdAt: token.createdAt,
    expiresAt: token.expiresAt,
    usedAt: null,
    replacedById: null,
  });

  const sessionDocument = (session: NewSession): SessionDocument => ({
    _id: session.id,
    userId: session.userId,
    createdAt: session.createdAt,
    lastUsedAt: session.createdAt,
    expiresAt: session.expiresAt,
    revokedAt: null,
    revokedReason: null,
    userAgent: session.userAgent,
    ip: session.ip,
  });

  async function classifyRotation(tokenHash: string, successor: NewRefreshToken, now: Date) {
    const token = await refreshTokens
      .findOne(query.refreshTokenByHash(tokenHash))
      .lean<RefreshTokenDocument>();
    if (!token || token.sessionId !== successor.sessionId || token.userId !== successor.userId) {
      return { outcome: 'unknown' } as const;
    }
    const session = await sessions.findOne({ _id: token.sessionId }).lean<SessionDocument>();
    if (!session) return { outcome: 'unknown' } as const;
    if (session.revokedAt !== null) return { outcome: 'revoked' } as const;
    if (token.usedAt !== null) return reused(token, token.usedAt);
    if (token.expiresAt <= now || session.expiresAt <= now) return { outcome: 'expired' } as const;
    return { outcome: 'claimable', token } as const;
  }

  const reused = (token: RefreshTokenDocument, usedAt: Date): RotationOutcome => ({
    outcome: 'reused',
    sessionId: token.sessionId,
    userId: token.userId,
    usedAt,
  });

  return {
    async openSession(session, firstToken) {
      await sessions.create(sessionDocument(session));
      try {
        await refreshTokens.create(tokenDocument(firstToken));
      } catch (error) {
        // Without a transaction (a standalone server has none), undo the session so neither exists.
        await sessions.deleteOne({ _id: session.id });
        throw error;
      }
    },

    async findLiveSession(sessionId, now) {
      const session = await sessions
        .findOne(query.liveSession(sessionId, now))
        .lean<SessionDocument>();
      if (!session) return undefined;
      const user = await users.findOne(query.liveUserById(session.userId)).lean<UserDocument>();
      if (!user) return undefined;
      return { session: toSession(session), user: toUser(user) };
    },

    async findRefreshToken(tokenHash) {
      const document = await refreshTokens
        .findOne(query.refreshTokenByHash(tokenHash))
        .lean<RefreshTokenDocument>();
      return document ? toRefreshToken(document) : undefined;
    },

    async rotateRefreshToken(tokenHash, successor, now) {
      const state = await classifyRotation(tokenHash, successor, now);
      if (state.outcome !== 'claimable') return state;
      // The compare-and-set: of concurrent calls, exactly one finds the token still unused.
      const claimed = await refreshTokens
        .findOneAndUpdate(
          query.unusedRefreshToken(state.token._id),
          query.markRefreshTokenUsed(now, successor.id),
          { projection: { _id: 1 } },
        )
        .lean();
      // Another call claimed it a moment ago.
      if (!claimed) return reused(state.token, now);
      try {
        await refreshTokens.create(tokenDocument(successor));
      } catch (error) {
        // Give the token back rather than leave it used with no successor (a retry would look like reuse).
        await refreshTokens.updateOne(
          { _id: state.token._id, replacedById: successor.id },
          { $set: { usedAt: null, replacedById: null } },
        );
        throw error;
      }
      await sessions.updateOne({ _id: state.token.sessionId }, query.touchSession(now));
      return { outcome: 'rotated' };
    },

    async addRefreshToken(token, now) {
      const session = await sessions
        .findOne(query.liveSession(token.sessionId, now), { _id: 1 })
        .lean();
      if (!session) return false;
      await refreshTokens.create(tokenDocument(token));
      return true;
    },

    async revokeSession(sessionId, reason, now) {
      const result = await sessions.updateOne(
        query.unrevokedSession(sessionId),
        query.revokeSession(now, reason),
      );
      return result.modifiedCount === 1;
    },

    async revokeUserSessions(userId, reason, now, exceptSessionId) {
      const result = await sessions.updateMany(
        query.unrevokedSessionsOfUser(userId, exceptSessionId),
        query.revokeSession(now, reason),
      );
      return result.modifiedCount;
    },

    async listLiveSessions(userId, now) {
      const documents = await sessions
        .find(query.liveSessionsOfUser(userId, now))
        .sort(query.byLastUse)
        .lean<SessionDocument[]>();
      return documents.map(toSession);
    },

    async sweepExpired(now, limit) {
      // MongoDB's TTL indexes remove expired documents on their own; this bounded sweep keeps the behaviour
      // identical to the embedded store's and catches up between TTL passes.
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
      const removedSessions =
        removable.length > 0 ? (await sessions.deleteMany(query.idIn(removable))).deletedCount : 0;
      return { refreshTokens: removedTokens, sessions: removedSessions };
    },
  };
}
