// The sessions port on MongoDB through Mongoose, with no transaction and no update that a guarantee rests on
// (mongo-documents.ts says why). A revocation is an insert-only record, so nothing can undo it. Rotation, and how it
// is ordered against revocation, is its own module (mongo-rotation.ts).
import { STRICT_ROTATION, type NewSession, type SessionStore } from '../ports/session-store.js';
import {
  firstTokenKey,
  toSession,
  toRefreshToken,
  toUser,
  type RefreshTokenDocument,
  type SessionDocument,
  type SessionRevocationDocument,
  type UserDocument,
} from './mongo-documents.js';
import { duplicatesAside } from './mongo-errors.js';
import type { MongoModels } from './mongo-models.js';
import * as query from './mongo-queries.js';
import { createMongoRotation, tokenDocument } from './mongo-rotation.js';
import { toSessionUser } from '../ports/user-store.js';

const sessionDocument = (session: NewSession): SessionDocument => ({
  _id: session.id,
  userId: session.userId,
  createdAt: session.createdAt,
  lastUsedAt: session.createdAt,
  expiresAt: session.expiresAt,
  userAgent: session.userAgent,
  ip: session.ip,
  amr: [...session.amr],
});

export function createMongoSessionStore(models: MongoModels): SessionStore {
  const { users, userDeletions, sessions, sessionRevocations, refreshTokens, refreshTokenReplays } =
    models;
  const rotate = createMongoRotation(models);

  const isRevoked = async (sessionId: string) =>
    (await sessionRevocations.exists(query.byId(sessionId))) !== null;

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

    rotateRefreshToken(tokenHash, successor, now, grace = STRICT_ROTATION) {
      return rotate(tokenHash, successor, now, grace);
    },

    async findSession(sessionId) {
      const [session, revocation] = await Promise.all([
        sessions.findOne(query.byId(sessionId)).lean<SessionDocument>(),
        sessionRevocations.findOne(query.byId(sessionId)).lean<SessionRevocationDocument>(),
      ]);
      return session ? toSession(session, revocation) : undefined;
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

    async listRevokedSessions(userId, since) {
      const revocations = await sessionRevocations
        .find(query.revokedSince(userId, since))
        .sort(query.byRevocation)
        .lean<SessionRevocationDocument[]>();
      if (revocations.length === 0) return [];
      const ended = await sessions
        .find(query.idIn(revocations.map(({ _id }) => _id)))
        .lean<SessionDocument[]>();
      const byId = new Map(ended.map((session) => [session._id, session]));
      return revocations.flatMap((revocation) => {
        const session = byId.get(revocation._id);
        return session ? [toSession(session, revocation)] : [];
      });
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
      // A token's counted grace replays expire with it; bounded like the rest, not counted in the result.
      const expiredReplays = await refreshTokenReplays
        .find(query.expiredBefore(now), { _id: 1 })
        .limit(limit)
        .lean<Array<{ _id: string }>>();
      if (expiredReplays.length > 0) {
        await refreshTokenReplays.deleteMany(query.idIn(expiredReplays.map(({ _id }) => _id)));
      }
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
