// The sessions port on better-sqlite3. Rotation is one savepoint that reads the token with its session and marks it
// used only if still unused; rotations of one event-loop turn share a commit (turn-batch.ts), the hottest write path.
import type { Database } from 'better-sqlite3';
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
  type RefreshTokenRow,
  type SessionRow,
  type UserRow,
} from './rows.js';
import { STATEMENTS } from './statements.js';
import { batchPerTurn } from './turn-batch.js';
import { toSessionUser } from '../ports/user-store.js';

interface RotationStateRow {
  row_id: number;
  id: string;
  session_id: string;
  user_id: string;
  used_at: number | null;
  expires_at: number;
  session_revoked_at: number | null;
  session_expires_at: number;
}

const reused = (state: RotationStateRow, usedAtMs: number): RotationOutcome => ({
  outcome: 'reused',
  sessionId: state.session_id,
  userId: state.user_id,
  usedAt: new Date(usedAtMs),
});

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
    rotationState: db.prepare<[string], RotationStateRow>(STATEMENTS.rotationState),
    markTokenUsed: db.prepare<[number, string, number]>(STATEMENTS.markTokenUsed),
    touchSession: db.prepare<[number, string]>(STATEMENTS.touchSession),
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
    });
    insertTokenRow(firstToken);
  });

  const rotations = batchPerTurn(
    db,
    (tokenHash: string, successor: NewRefreshToken, nowMs: number): RotationOutcome => {
      const state = sql.rotationState.get(tokenHash);
      if (
        !state ||
        state.session_id !== successor.sessionId ||
        state.user_id !== successor.userId
      ) {
        return { outcome: 'unknown' };
      }
      if (state.session_revoked_at !== null) return { outcome: 'revoked' };
      if (state.used_at !== null) return reused(state, state.used_at);
      if (state.expires_at <= nowMs || state.session_expires_at <= nowMs)
        return { outcome: 'expired' };
      if (sql.markTokenUsed.run(nowMs, successor.id, state.row_id).changes !== 1)
        return reused(state, nowMs);
      insertTokenRow(successor);
      sql.touchSession.run(nowMs, state.session_id);
      return { outcome: 'rotated' };
    },
  );

  const addTokenTx = db.transaction((token: NewRefreshToken, nowMs: number): boolean => {
    if (!sql.liveSession.get(token.sessionId, nowMs)) return false;
    insertTokenRow(token);
    return true;
  });

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

    rotateRefreshToken(tokenHash, successor, now) {
      return rotations.run(tokenHash, successor, now.getTime());
    },

    async addRefreshToken(token, now) {
      return addTokenTx.immediate(token, now.getTime());
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
