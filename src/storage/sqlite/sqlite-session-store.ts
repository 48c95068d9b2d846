// The sessions port on better-sqlite3. Rotation, the hottest write path, is its own module (sqlite-rotation.ts).
import type { Database } from 'better-sqlite3';
import {
  STRICT_ROTATION,
  type NewRefreshToken,
  type NewSession,
  type SessionStore,
} from '../ports/session-store.js';
import {
  amrColumn,
  toRefreshToken,
  toSession,
  toUser,
  type RefreshTokenRow,
  type SessionRow,
  type UserRow,
} from './rows.js';
import { STATEMENTS } from './statements.js';
import { createSqliteRotation } from './sqlite-rotation.js';
import { toSessionUser } from '../ports/user-store.js';

/** The port, and `flush` for the rotations still queued for this turn (called before the database closes). */
export function createSqliteSessionStore(
  db: Database,
): SessionStore & { readonly flush: () => void } {
  const sql = {
    liveUserById: db.prepare<[string], UserRow>(STATEMENTS.liveUserById),
    insertSession: db.prepare<[SessionRow]>(STATEMENTS.insertSession),
    liveSession: db.prepare<[string, number], SessionRow>(STATEMENTS.liveSession),
    insertToken: db.prepare<[RefreshTokenRow]>(STATEMENTS.insertToken),
    tokenByHash: db.prepare<[string], RefreshTokenRow>(STATEMENTS.tokenByHash),
    sessionById: db.prepare<[string], SessionRow>(STATEMENTS.sessionById),
    revokedSessionsOfUser: db.prepare<[string, number], SessionRow>(
      STATEMENTS.revokedSessionsOfUser,
    ),
    revokeSession: db.prepare<[number, string, string]>(STATEMENTS.revokeSession),
    revokeUserSessions: db.prepare<[number, string, string, string]>(STATEMENTS.revokeUserSessions),
    liveSessionsOfUser: db.prepare<[string, number], SessionRow>(STATEMENTS.liveSessionsOfUser),
    sweepTokens: db.prepare<[number, number]>(STATEMENTS.sweepTokens),
    sweepSessions: db.prepare<[number, number]>(STATEMENTS.sweepSessions),
  };

  const insertTokenRow = (token: NewRefreshToken) =>
    sql.insertToken.run({
      id: token.id,
      session_id: token.sessionId,
      user_id: token.userId,
      token_hash: token.tokenHash,
      created_at: token.createdAt.getTime(),
      expires_at: token.expiresAt.getTime(),
      used_at: null,
      replaced_by_id: null,
    });

  const openSessionTx = db.transaction((session: NewSession, firstToken: NewRefreshToken) => {
    sql.insertSession.run({
      id: session.id,
      user_id: session.userId,
      created_at: session.createdAt.getTime(),
      last_used_at: session.createdAt.getTime(),
      expires_at: session.expiresAt.getTime(),
      revoked_at: null,
      revoked_reason: null,
      user_agent: session.userAgent,
      ip: session.ip,
      amr: amrColumn(session.amr),
    });
    insertTokenRow(firstToken);
  });

  const rotations = createSqliteRotation(db, insertTokenRow);

  return {
    async openSession(session, firstToken) {
      openSessionTx(session, firstToken);
    },

    async findLiveSession(sessionId, now) {
      const sessionRow = sql.liveSession.get(sessionId, now.getTime());
      if (!sessionRow) return undefined;
      const userRow = sql.liveUserById.get(sessionRow.user_id);
      if (!userRow) return undefined;
      return { session: toSession(sessionRow), user: toSessionUser(toUser(userRow)) };
    },

    async findRefreshToken(tokenHash) {
      const row = sql.tokenByHash.get(tokenHash);
      return row && toRefreshToken(row);
    },

    rotateRefreshToken(tokenHash, successor, now, grace = STRICT_ROTATION) {
      return rotations.run(tokenHash, successor, now.getTime(), grace);
    },

    async findSession(sessionId) {
      const row = sql.sessionById.get(sessionId);
      return row && toSession(row);
    },

    async revokeSession(sessionId, reason, now) {
      return sql.revokeSession.run(now.getTime(), reason, sessionId).changes === 1;
    },

    async revokeUserSessions(userId, reason, now, exceptSessionId) {
      return sql.revokeUserSessions.run(now.getTime(), reason, userId, exceptSessionId ?? '')
        .changes;
    },

    async listLiveSessions(userId, now) {
      return sql.liveSessionsOfUser.all(userId, now.getTime()).map(toSession);
    },

    async listRevokedSessions(userId, since) {
      return sql.revokedSessionsOfUser.all(userId, since.getTime()).map(toSession);
    },

    async sweepExpired(now, limit) {
      const refreshTokens = sql.sweepTokens.run(now.getTime(), limit).changes;
      // No token outlives its session, so once the expired tokens are all gone every expired session is free to
      // go, and the session sweep finds `limit` of them without walking past sessions that still hold tokens.
      const sessions =
        refreshTokens < limit ? sql.sweepSessions.run(now.getTime(), limit).changes : 0;
      return { refreshTokens, sessions };
    },

    flush: () => {
      rotations.flush();
    },
  };
}
