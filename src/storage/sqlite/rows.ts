// Row shapes as SQLite returns them, and their mapping to the port's records (integers in, Dates out).
import type { MailKind, MailState, OutboxMail } from '../ports/mail-outbox.js';
import type { OneTimeTokenPurpose, OneTimeTokenRecord } from '../ports/one-time-token-store.js';
import type {
  AuthenticationMethod,
  RefreshTokenRecord,
  RevocationReason,
  SessionRecord,
} from '../ports/session-store.js';
import type { Role, UserRecord } from '../ports/user-store.js';

export interface UserRow {
  id: string;
  email: string;
  /** 0 or 1 (SQLite has no boolean). */
  email_verified: number;
  name: string;
  role: Role;
  password_hash: string;
  created_at: number;
  updated_at: number;
  password_changed_at: number;
  deleted_at: number | null;
}

export interface SessionRow {
  id: string;
  user_id: string;
  created_at: number;
  last_used_at: number;
  expires_at: number;
  revoked_at: number | null;
  revoked_reason: RevocationReason | null;
  user_agent: string | null;
  ip: string | null;
  /** The session's `amr`, comma-joined ('pwd', 'pwd,otp'); 'pwd' on rows from before the column. */
  amr: string;
}

export interface RefreshTokenRow {
  id: string;
  session_id: string;
  user_id: string;
  token_hash: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  replaced_by_id: string | null;
}

const dateOrNull = (ms: number | null): Date | null => (ms === null ? null : new Date(ms));

export function toUser(row: UserRow): UserRecord {
  return {
    id: row.id,
    email: row.email,
    emailVerified: row.email_verified === 1,
    name: row.name,
    role: row.role,
    passwordHash: row.password_hash,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    passwordChangedAt: new Date(row.password_changed_at),
    deletedAt: dateOrNull(row.deleted_at),
  };
}

export function toSession(row: SessionRow): SessionRecord {
  return {
    id: row.id,
    userId: row.user_id,
    createdAt: new Date(row.created_at),
    lastUsedAt: new Date(row.last_used_at),
    expiresAt: new Date(row.expires_at),
    revokedAt: dateOrNull(row.revoked_at),
    revokedReason: row.revoked_reason,
    userAgent: row.user_agent,
    ip: row.ip,
    amr: toAmr(row.amr),
  };
}

/** The column as written by `amrColumn`. */
const toAmr = (column: string) => column.split(',') as AuthenticationMethod[];

export const amrColumn = (amr: readonly AuthenticationMethod[]) => amr.join(',');

export function toRefreshToken(row: RefreshTokenRow): RefreshTokenRecord {
  return {
    id: row.id,
    sessionId: row.session_id,
    userId: row.user_id,
    tokenHash: row.token_hash,
    createdAt: new Date(row.created_at),
    expiresAt: new Date(row.expires_at),
    usedAt: dateOrNull(row.used_at),
    replacedById: row.replaced_by_id,
  };
}

export interface MailOutboxRow {
  id: string;
  kind: MailKind;
  sealed: string | null;
  created_at: number;
  not_after: number;
  state: MailState;
  attempts: number;
  next_attempt_at: number;
  sent_at: number | null;
  last_error: string | null;
  lease: string | null;
  lease_until: number | null;
}

export function toOutboxMail(row: MailOutboxRow): OutboxMail {
  return {
    id: row.id,
    kind: row.kind,
    sealed: row.sealed,
    createdAt: new Date(row.created_at),
    notAfter: new Date(row.not_after),
    state: row.state,
    attempts: row.attempts,
    nextAttemptAt: new Date(row.next_attempt_at),
    sentAt: dateOrNull(row.sent_at),
    lastError: row.last_error,
  };
}

export interface OneTimeTokenRow {
  id: string;
  purpose: OneTimeTokenPurpose;
  user_id: string;
  email: string;
  token_hash: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  superseded_at: number | null;
}

export function toOneTimeToken(row: OneTimeTokenRow): OneTimeTokenRecord {
  return {
    id: row.id,
    purpose: row.purpose,
    userId: row.user_id,
    email: row.email,
    tokenHash: row.token_hash,
    createdAt: new Date(row.created_at),
    expiresAt: new Date(row.expires_at),
    usedAt: dateOrNull(row.used_at),
    supersededAt: dateOrNull(row.superseded_at),
  };
}
