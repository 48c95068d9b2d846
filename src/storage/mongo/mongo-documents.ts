// Document shapes as MongoDB stores them, and their mapping to the port's records. FerretDB 1.24 applies an update
// as a read and a later write of the whole document, with nothing in between held: two concurrent updates of one
// document lose one of them, and "update if unchanged" is no compare-and-set. Only an insert under a unique key is
// atomic on every server we support. So what must never be undone or doubled lives in documents that are only
// inserted and deleted: an email's claim, an account's deletion, a session's revocation, and a refresh token's one
// successor (its `rotatedFrom`). Updates are kept for what a lost write cannot harm (a password hash replaced whole,
// a session's last use). The mail outbox has no update at all: a mail's every change of state is a new entry, and
// each lease is a record of its own (MailEntryDocument, MailLeaseDocument).
import type { MailKind, MailState, OutboxMail } from '../ports/mail-outbox.js';
import type { OneTimeTokenPurpose, OneTimeTokenRecord } from '../ports/one-time-token-store.js';
import type {
  AuthenticationMethod,
  RefreshTokenRecord,
  RevocationReason,
  SessionRecord,
} from '../ports/session-store.js';
import type { Role, UserRecord } from '../ports/user-store.js';

export interface UserDocument {
  _id: string;
  email: string;
  /** Absent on documents written before it existed (the set-up fills it in): read as false. */
  emailVerified?: boolean;
  name: string;
  role: Role;
  passwordHash: string;
  createdAt: Date;
  updatedAt: Date;
  passwordChangedAt: Date;
}

/** A live account's hold on its email; `_id` is the email, so of two claims on one, one insert fails. */
export interface EmailClaimDocument {
  _id: string;
  userId: string;
  createdAt: Date;
}

/** An account's deletion, once and for good; `_id` is the user's id. */
export interface UserDeletionDocument {
  _id: string;
  deletedAt: Date;
}

export interface SessionDocument {
  _id: string;
  userId: string;
  createdAt: Date;
  lastUsedAt: Date;
  expiresAt: Date;
  userAgent: string | null;
  ip: string | null;
  /** Absent on sessions stored before the second factor: they were opened by a password alone. */
  amr?: AuthenticationMethod[];
}

/** A session's end, once and for good; `_id` is the session's id. Its expiry is the session's, for the sweep. */
export interface SessionRevocationDocument {
  _id: string;
  userId: string;
  revokedAt: Date;
  reason: RevocationReason;
  expiresAt: Date;
}

export interface RefreshTokenDocument {
  _id: string;
  sessionId: string;
  userId: string;
  tokenHash: string;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
  replacedById: string | null;
  /**
   * What the token's unique index is on: the id of the token it replaced, so of concurrent rotations of one token
   * exactly one successor is stored. A session's first token holds `root:<own id>`, a value of its own (tokens that
   * an earlier version added in its reuse grace hold `added:<own id>`).
   */
  rotatedFrom: string;
}

export const firstTokenKey = (tokenId: string) => `root:${tokenId}`;

/**
 * One replay of a rotated token answered under the reuse grace, under `_id` = `<token id>:<n>` for n below the cap:
 * of concurrent replays, each takes the first free place, so no more than the cap can ever be answered (an insert
 * that finds its key taken tries the next one). Removed by the sweep with its token.
 */
export interface RefreshTokenReplayDocument {
  _id: string;
  tokenId: string;
  expiresAt: Date;
}

export const replayKey = (tokenId: string, place: number) => `${tokenId}:${String(place)}`;

/**
 * A one-time token as issued; it is never updated. What happens to it later is an insert-only record of its own:
 * its use (OneTimeTokenUseDocument), so of concurrent consumes one insert wins, and its supersession.
 */
export interface OneTimeTokenDocument {
  _id: string;
  purpose: OneTimeTokenPurpose;
  userId: string;
  email: string;
  tokenHash: string;
  createdAt: Date;
  expiresAt: Date;
  /**
   * The token's place among its user's tokens of its purpose: one more than the highest there was when it was
   * issued, unique with the user and purpose, so of concurrent issues each gets a place of its own and the highest
   * is the newest. A token with a higher one beside it is superseded.
   */
  sequence: number;
}

/** A token's use, once and for good; `_id` is the token's id. Kept a while past the token (the sweep says why). */
export interface OneTimeTokenUseDocument {
  _id: string;
  usedAt: Date;
  expiresAt: Date;
}

/**
 * A token's supersession, once and for good; `_id` is the token's id. It keeps the token superseded after the newer
 * token that superseded it is swept (a token issued under a shorter lifetime can expire first).
 */
export interface OneTimeTokenSupersessionDocument {
  _id: string;
  supersededAt: Date;
  expiresAt: Date;
}

/** The token as the consume that used it at `usedAt` answers it, or as it stands consumable (`usedAt` null). */
export function toConsumedOneTimeToken(
  document: OneTimeTokenDocument,
  usedAt: Date | null,
): OneTimeTokenRecord {
  return {
    id: document._id,
    purpose: document.purpose,
    userId: document.userId,
    email: document.email,
    tokenHash: document.tokenHash,
    createdAt: document.createdAt,
    expiresAt: document.expiresAt,
    usedAt,
    supersededAt: null,
  };
}

export function toUser(document: UserDocument, deletion?: UserDeletionDocument | null): UserRecord {
  return {
    id: document._id,
    email: document.email,
    emailVerified: document.emailVerified ?? false,
    name: document.name,
    role: document.role,
    passwordHash: document.passwordHash,
    createdAt: document.createdAt,
    updatedAt: document.updatedAt,
    passwordChangedAt: document.passwordChangedAt,
    deletedAt: deletion?.deletedAt ?? null,
  };
}

export function toSession(
  document: SessionDocument,
  revocation?: SessionRevocationDocument | null,
): SessionRecord {
  return {
    id: document._id,
    userId: document.userId,
    createdAt: document.createdAt,
    lastUsedAt: document.lastUsedAt,
    expiresAt: document.expiresAt,
    revokedAt: revocation?.revokedAt ?? null,
    revokedReason: revocation?.reason ?? null,
    userAgent: document.userAgent,
    ip: document.ip,
    amr: document.amr ?? ['pwd'],
  };
}

export function toRefreshToken(document: RefreshTokenDocument): RefreshTokenRecord {
  return {
    id: document._id,
    sessionId: document.sessionId,
    userId: document.userId,
    tokenHash: document.tokenHash,
    createdAt: document.createdAt,
    expiresAt: document.expiresAt,
    usedAt: document.usedAt,
    replacedById: document.replacedById,
  };
}

/**
 * A mail as it stands after `attempts` attempts, under `_id` = `<mailId>:<attempts>`: recording an attempt inserts
 * the next entry (so of two holders recording one attempt, one insert fails) and then deletes this one. The entry
 * with the most attempts is the mail; one left behind by a holder that stopped between the two steps is removed by
 * the next lease or sweep that meets it. The body travels with each pending entry and is absent from a final one.
 */
export interface MailEntryDocument {
  _id: string;
  mailId: string;
  kind: MailKind;
  sealed: string | null;
  createdAt: Date;
  notAfter: Date;
  state: MailState;
  attempts: number;
  nextAttemptAt: Date;
  sentAt: Date | null;
  lastError: string | null;
}

/**
 * One hold on a mail entry, under `_id` = `<mailId>:<attempts>:<generation>`: the first lease of an entry is
 * generation 0, and one that ran out is followed by the next generation, so callers racing for an entry (having read
 * the same newest lease) race to insert the same key and one wins. A lease holds until its next generation exists.
 */
export interface MailLeaseDocument {
  _id: string;
  mailId: string;
  attempts: number;
  generation: number;
  leaseUntil: Date;
  takenAt: Date;
}

export const mailEntryKey = (mailId: string, attempts: number) => `${mailId}:${attempts}`;
export const mailLeaseKey = (mailId: string, attempts: number, generation: number) =>
  `${mailEntryKey(mailId, attempts)}:${generation}`;

export function toOutboxMail(document: MailEntryDocument): OutboxMail {
  return {
    id: document.mailId,
    kind: document.kind,
    sealed: document.sealed,
    createdAt: document.createdAt,
    notAfter: document.notAfter,
    state: document.state,
    attempts: document.attempts,
    nextAttemptAt: document.nextAttemptAt,
    sentAt: document.sentAt,
    lastError: document.lastError,
  };
}
