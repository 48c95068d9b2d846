// The second-factor port on better-sqlite3. Each guarantee is one conditional statement (confirming, advancing the
// TOTP step, using a code, counting a failure, consuming a challenge), or one transaction under the write lock where
// codes change with their factor, so a reader never sees a factor without its codes or codes of an earlier one.
import type { Database } from 'better-sqlite3';
import type { MfaStore, NewRecoveryCode } from '../ports/mfa-store.js';
import {
  toChallenge,
  toFactor,
  toRecoveryCode,
  type ChallengeRow,
  type FactorRow,
  type RecoveryCodeRow,
} from './mfa-rows.js';
import { STATEMENTS } from './statements.js';

type NewFactorRow = Omit<FactorRow, 'status' | 'confirmed_at' | 'last_used_step'>;
type NewChallengeRow = Omit<ChallengeRow, 'failures' | 'used_at'>;

export function createSqliteMfaStore(db: Database): MfaStore {
  const sql = {
    savePending: db.prepare<[NewFactorRow]>(STATEMENTS.savePendingFactor),
    factorOfUser: db.prepare<[string], FactorRow>(STATEMENTS.factorOfUser),
    activate: db.prepare<[number, number, string, string, number]>(STATEMENTS.activateFactor),
    advanceStep: db.prepare<[number, string, string, number]>(STATEMENTS.advanceTotpStep),
    reseal: db.prepare<[string, string, string, string]>(STATEMENTS.resealSecret),
    deleteFactor: db.prepare<[string]>(STATEMENTS.deleteFactor),
    deleteCodes: db.prepare<[string]>(STATEMENTS.deleteRecoveryCodes),
    insertCode: db.prepare<[{ user_id: string; lookup_id: string; code_hash: string }]>(
      STATEMENTS.insertRecoveryCode,
    ),
    unusedCode: db.prepare<[string, string], RecoveryCodeRow>(STATEMENTS.unusedRecoveryCode),
    useCode: db.prepare<[number, string, string]>(STATEMENTS.useRecoveryCode),
    countUnused: db.prepare<[string], { count: number }>(STATEMENTS.countUnusedRecoveryCodes),
    insertChallenge: db.prepare<[NewChallengeRow]>(STATEMENTS.insertMfaChallenge),
    liveChallenge: db.prepare<[string, number, number], ChallengeRow>(STATEMENTS.liveMfaChallenge),
    countFailure: db.prepare<[string, number, number], { failures: number }>(
      STATEMENTS.countMfaChallengeFailure,
    ),
    consumeChallenge: db.prepare<[number, string, number, number]>(STATEMENTS.consumeMfaChallenge),
    sweepChallenges: db.prepare<[number, number]>(STATEMENTS.sweepMfaChallenges),
    sweepPending: db.prepare<[number, number]>(STATEMENTS.sweepPendingFactors),
  };

  function putCodes(userId: string, codes: readonly NewRecoveryCode[]): void {
    sql.deleteCodes.run(userId);
    for (const code of codes) {
      sql.insertCode.run({ user_id: userId, lookup_id: code.lookupId, code_hash: code.codeHash });
    }
  }

  /** Confirms and stores the codes together: a failed confirmation stores none. */
  const activateTx = db.transaction(
    (
      userId: string,
      factorId: string,
      acceptedStep: number,
      codes: readonly NewRecoveryCode[],
      nowMs: number,
    ) => {
      if (sql.activate.run(nowMs, acceptedStep, userId, factorId, nowMs).changes === 1) {
        putCodes(userId, codes);
        return 'activated' as const;
      }
      return sql.factorOfUser.get(userId)?.status === 'active'
        ? ('already-enabled' as const)
        : ('not-found' as const);
    },
  );

  const replaceCodesTx = db.transaction((userId: string, codes: readonly NewRecoveryCode[]) => {
    if (sql.factorOfUser.get(userId)?.status !== 'active') return false;
    putCodes(userId, codes);
    return true;
  });

  const deleteFactorTx = db.transaction((userId: string) => {
    sql.deleteCodes.run(userId);
    return sql.deleteFactor.run(userId).changes === 1;
  });

  return {
    async savePendingFactor(factor) {
      const changed = sql.savePending.run({
        user_id: factor.userId,
        id: factor.id,
        sealed_secret: factor.sealedSecret,
        created_at: factor.createdAt.getTime(),
        pending_until: factor.pendingUntil.getTime(),
      }).changes;
      return changed === 1 ? { outcome: 'saved' } : { outcome: 'already-enabled' };
    },

    async findFactor(userId) {
      const row = sql.factorOfUser.get(userId);
      return row && toFactor(row);
    },

    async activateFactor(userId, factorId, acceptedStep, codes, now) {
      // IMMEDIATE: instances sharing the file take the write lock before the compare-and-set.
      return {
        outcome: activateTx.immediate(userId, factorId, acceptedStep, codes, now.getTime()),
      };
    },

    async advanceTotpStep(userId, factorId, step) {
      return sql.advanceStep.run(step, userId, factorId, step).changes === 1;
    },

    async resealSecret(userId, factorId, from, to) {
      return sql.reseal.run(to, userId, factorId, from).changes === 1;
    },

    async deleteFactor(userId) {
      return deleteFactorTx.immediate(userId);
    },

    async findRecoveryCode(userId, lookupId) {
      const row = sql.unusedCode.get(userId, lookupId);
      return row && toRecoveryCode(row);
    },

    async useRecoveryCode(userId, lookupId, now) {
      return sql.useCode.run(now.getTime(), userId, lookupId).changes === 1;
    },

    async replaceRecoveryCodes(userId, codes) {
      return replaceCodesTx.immediate(userId, codes);
    },

    async countUnusedRecoveryCodes(userId) {
      return sql.countUnused.get(userId)?.count ?? 0;
    },

    async createChallenge(challenge) {
      sql.insertChallenge.run({
        id: challenge.id,
        user_id: challenge.userId,
        token_hash: challenge.tokenHash,
        created_at: challenge.createdAt.getTime(),
        expires_at: challenge.expiresAt.getTime(),
        device_id: challenge.deviceId,
      });
    },

    async findLiveChallenge(tokenHash, now, maxFailures) {
      const row = sql.liveChallenge.get(tokenHash, now.getTime(), maxFailures);
      return row && toChallenge(row);
    },

    async recordChallengeFailure(tokenHash, now, maxFailures) {
      const counted = sql.countFailure.get(tokenHash, now.getTime(), maxFailures);
      if (!counted) return { outcome: 'not-live' };
      return {
        outcome: 'counted',
        failures: counted.failures,
        burned: counted.failures >= maxFailures,
      };
    },

    async consumeChallenge(tokenHash, now, maxFailures) {
      const nowMs = now.getTime();
      return sql.consumeChallenge.run(nowMs, tokenHash, nowMs, maxFailures).changes === 1;
    },

    async sweepExpiredMfa(now, limit) {
      const nowMs = now.getTime();
      return {
        challenges: sql.sweepChallenges.run(nowMs, limit).changes,
        pendingFactors: sql.sweepPending.run(nowMs, limit).changes,
        // Codes go with their factor in one transaction: none is ever left for the sweep.
        recoveryCodes: 0,
      };
    },
  };
}
