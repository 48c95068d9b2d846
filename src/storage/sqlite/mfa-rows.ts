// Second-factor row shapes as SQLite returns them, and their mapping to the MFA port's records (integers in, Dates
// out).
import type {
  MfaChallengeRecord,
  StoredRecoveryCode,
  TotpFactorRecord,
} from '../ports/mfa-store.js';

export interface FactorRow {
  user_id: string;
  id: string;
  sealed_secret: string;
  status: 'pending' | 'active';
  created_at: number;
  pending_until: number | null;
  confirmed_at: number | null;
  last_used_step: number | null;
}

export interface RecoveryCodeRow {
  lookup_id: string;
  code_hash: string;
  used_at: number | null;
}

export interface ChallengeRow {
  id: string;
  user_id: string;
  token_hash: string;
  created_at: number;
  expires_at: number;
  failures: number;
  used_at: number | null;
  device_id: string | null;
}

const dateOrNull = (ms: number | null): Date | null => (ms === null ? null : new Date(ms));

export function toFactor(row: FactorRow): TotpFactorRecord {
  return {
    id: row.id,
    userId: row.user_id,
    sealedSecret: row.sealed_secret,
    status: row.status,
    createdAt: new Date(row.created_at),
    pendingUntil: dateOrNull(row.pending_until),
    confirmedAt: dateOrNull(row.confirmed_at),
    lastUsedStep: row.last_used_step,
  };
}

export function toRecoveryCode(row: RecoveryCodeRow): StoredRecoveryCode {
  return { lookupId: row.lookup_id, codeHash: row.code_hash, usedAt: dateOrNull(row.used_at) };
}

export function toChallenge(row: ChallengeRow): MfaChallengeRecord {
  return {
    id: row.id,
    userId: row.user_id,
    tokenHash: row.token_hash,
    createdAt: new Date(row.created_at),
    expiresAt: new Date(row.expires_at),
    failures: row.failures,
    usedAt: dateOrNull(row.used_at),
    deviceId: row.device_id,
  };
}
