// Refresh-token rotation on better-sqlite3, the hottest write path: one savepoint reads the token with its session and
// marks it used only if still unused; rotations of one event-loop turn share a commit (turn-batch.ts). A token used
// moments ago is answered from the same step under the reuse grace (DESIGN section 9): its stored successor, with the
// replay counted by a conditional update, so the cap holds however many replays race.
import type { Database } from 'better-sqlite3';
import type {
  NewRefreshToken,
  ReuseGrace,
  RevocationReason,
  RotationOutcome,
} from '../ports/session-store.js';
import { toRefreshToken, type RefreshTokenRow } from './rows.js';
import { STATEMENTS } from './statements.js';
import { batchPerTurn, type TurnBatch } from './turn-batch.js';

interface RotationStateRow {
  row_id: number;
  id: string;
  session_id: string;
  user_id: string;
  used_at: number | null;
  expires_at: number;
  created_at: number;
  replaced_by_id: string | null;
  grace_replays: number;
  session_revoked_at: number | null;
  session_revoked_reason: RevocationReason | null;
  session_expires_at: number;
}

type RotationArgs = [
  tokenHash: string,
  successor: NewRefreshToken,
  nowMs: number,
  grace: ReuseGrace,
];

export function createSqliteRotation(
  db: Database,
  insertTokenRow: (token: NewRefreshToken) => void,
): TurnBatch<RotationArgs, RotationOutcome> {
  const sql = {
    rotationState: db.prepare<[string], RotationStateRow>(STATEMENTS.rotationState),
    markTokenUsed: db.prepare<[number, string, number]>(STATEMENTS.markTokenUsed),
    touchSession: db.prepare<[number, string]>(STATEMENTS.touchSession),
    sessionToken: db.prepare<[string, string], RefreshTokenRow>(STATEMENTS.sessionToken),
    countGraceReplay: db.prepare<[number, number]>(STATEMENTS.countGraceReplay),
    newerSessionTokens: db.prepare<[string, number], { count: number }>(
      STATEMENTS.newerSessionTokens,
    ),
  };

  /**
   * The tokens the session issued after this one: those of a later instant, and those of its own instant down its
   * chain (a token rotated in the millisecond it was issued is newer by the chain, not by time).
   */
  function generationsAfter(state: RotationStateRow): number {
    let count = sql.newerSessionTokens.get(state.session_id, state.created_at)?.count ?? 0;
    let nextId = state.replaced_by_id;
    while (nextId !== null) {
      const next = sql.sessionToken.get(state.session_id, nextId);
      if (next?.created_at !== state.created_at) break;
      count += 1;
      nextId = next.replaced_by_id;
    }
    return count;
  }

  function reused(state: RotationStateRow, usedAtMs: number): RotationOutcome {
    return {
      outcome: 'reused',
      sessionId: state.session_id,
      userId: state.user_id,
      usedAt: new Date(usedAtMs),
      generationsBehind: generationsAfter(state),
    };
  }

  /** A used token: its successor again when the grace allows it (and the replay is counted), else reuse. */
  function graceOrReuse(
    state: RotationStateRow,
    usedAtMs: number,
    nowMs: number,
    grace: ReuseGrace,
  ): RotationOutcome {
    const successorRow =
      state.replaced_by_id === null
        ? undefined
        : sql.sessionToken.get(state.session_id, state.replaced_by_id);
    const graced =
      grace.windowMs > 0 &&
      successorRow !== undefined &&
      successorRow.used_at === null &&
      nowMs - successorRow.created_at <= grace.windowMs &&
      state.session_expires_at > nowMs &&
      successorRow.expires_at > nowMs &&
      sql.countGraceReplay.run(state.row_id, grace.maxReplays).changes === 1;
    return graced
      ? { outcome: 'graced', successor: toRefreshToken(successorRow) }
      : reused(state, usedAtMs);
  }

  return batchPerTurn(
    db,
    (...[tokenHash, successor, nowMs, grace]: RotationArgs): RotationOutcome => {
      const state = sql.rotationState.get(tokenHash);
      if (
        !state ||
        state.session_id !== successor.sessionId ||
        state.user_id !== successor.userId
      ) {
        return { outcome: 'unknown' };
      }
      if (state.session_revoked_at !== null) {
        return { outcome: 'revoked', reason: state.session_revoked_reason ?? 'logout' };
      }
      if (state.used_at !== null) return graceOrReuse(state, state.used_at, nowMs, grace);
      if (state.expires_at <= nowMs || state.session_expires_at <= nowMs)
        return { outcome: 'expired' };
      if (sql.markTokenUsed.run(nowMs, successor.id, state.row_id).changes !== 1) {
        return reused(state, nowMs);
      }
      insertTokenRow(successor);
      sql.touchSession.run(nowMs, state.session_id);
      return { outcome: 'rotated' };
    },
  );
}
