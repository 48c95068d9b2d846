// The embedded store: the storage port on better-sqlite3. Every statement on a request path is an indexed lookup,
// since the driver is synchronous and runs on the event loop.
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { AuthStore, NewRefreshToken, NewSession, NewUser, RotationOutcome } from '../ports.js';
import { guardUnavailable } from '../unavailable-guard.js';
import { isSqliteUnavailable, isUniqueViolation } from './sqlite-errors.js';
import { applyPragmas, applyRequestBusyTimeout, migrate } from './schema.js';
import { batchPerTurn } from './turn-batch.js';
import { STATEMENTS } from './statements.js';
import {
  toRefreshToken,
  toSession,
  toUser,
  type RefreshTokenRow,
  type SessionRow,
  type UserRow,
} from './rows.js';

const reused = (state: RotationStateRow, usedAtMs: number): RotationOutcome => ({
  outcome: 'reused',
  sessionId: state.session_id,
  userId: state.user_id,
  usedAt: new Date(usedAtMs),
});

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

/** Opens (creating if needed) the database file at `path`, or a private in-memory database for ':memory:'. */
export function openSqliteStore(path: string): AuthStore {
  const inMemory = path === ':memory:';
  if (!inMemory) createPrivateFile(path);
  const db = new Database(path);
  applyPragmas(db, inMemory);
  return createSqliteStore(db);
}

/** The store over an open connection; migrates it to the current schema first. */
export function createSqliteStore(db: Database.Database): AuthStore {
  migrate(db);
  applyRequestBusyTimeout(db);

  const sql = {
    // Readiness: touches no table, so it is not among the request-path statements whose plans are checked.
    ping: db.prepare('SELECT 1'),
    insertUser: db.prepare<[UserRow]>(STATEMENTS.insertUser),
    liveUserByEmail: db.prepare<[string], UserRow>(STATEMENTS.liveUserByEmail),
    liveUserById: db.prepare<[string], UserRow>(STATEMENTS.liveUserById),
    softDeleteUser: db.prepare<[number, number, string]>(STATEMENTS.softDeleteUser),
    updatePasswordHash: db.prepare<[string, number, number, string]>(STATEMENTS.updatePasswordHash),
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

  // Rotations are committed in groups, one per turn of the event loop (turn-batch.ts): the hottest write path.
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

  const store: AuthStore = {
    async createUser(user: NewUser) {
      const at = user.createdAt.getTime();
      const row: UserRow = {
        id: user.id,
        email: user.email,
        name: user.name,
        role: user.role,
        password_hash: user.passwordHash,
        created_at: at,
        updated_at: at,
        password_changed_at: at,
        deleted_at: null,
      };
      try {
        sql.insertUser.run(row);
      } catch (error) {
        if (isUniqueViolation(error)) return { outcome: 'email-taken' };
        throw error;
      }
      return { outcome: 'created', user: toUser(row) };
    },

    async findLiveUserByEmail(email) {
      const row = sql.liveUserByEmail.get(email);
      return row && toUser(row);
    },

    async softDeleteUser(userId, now) {
      return sql.softDeleteUser.run(now.getTime(), now.getTime(), userId).changes === 1;
    },

    async updatePasswordHash(userId, passwordHash, now) {
      const at = now.getTime();
      return sql.updatePasswordHash.run(passwordHash, at, at, userId).changes === 1;
    },

    async openSession(session, firstToken) {
      openSessionTx(session, firstToken);
    },

    async findLiveSession(sessionId, now) {
      const sessionRow = sql.liveSession.get(sessionId, now.getTime());
      if (!sessionRow) return undefined;
      const userRow = sql.liveUserById.get(sessionRow.user_id);
      if (!userRow) return undefined;
      return { session: toSession(sessionRow), user: toUser(userRow) };
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

    async ping() {
      sql.ping.get();
    },

    async close() {
      rotations.flush();
      db.close();
    },
  };
  return guardUnavailable(store, { isUnavailable: isSqliteUnavailable });
}

/**
 * The file holds password hashes and client IPs: readable by its owner only. SQLite creates the -wal and -shm
 * files with the database file's permissions, so they follow.
 */
function createPrivateFile(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  closeSync(openSync(path, 'a', 0o600));
  chmodSync(path, 0o600);
}
