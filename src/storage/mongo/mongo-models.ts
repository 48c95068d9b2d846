// Mongoose schemas and models: validation, and the indexes every lookup and guarantee relies on, using only what
// MongoDB 6+ and FerretDB 1.24 both serve (no partial, sparse or TTL index: the indexes on expiry are made in
// mongo-setup.ts, as a TTL only where the server has one). The insert-only collections (email claims, deletions,
// revocations, one-time tokens' uses and supersessions) are what the guarantees rest on (mongo-documents.ts says
// why). Models are bound to a connection passed in; there is no global mongoose state.
import { Schema, type Connection } from 'mongoose';
import { MAIL_ERROR_MAX_LENGTH, type MailKind } from '../ports/mail-outbox.js';
import { REVOCATION_REASONS, type AuthenticationMethod } from '../ports/session-store.js';
import { createMfaModels } from './mongo-mfa-models.js';
import type {
  EmailClaimDocument,
  MailEntryDocument,
  MailLeaseDocument,
  OneTimeTokenDocument,
  OneTimeTokenSupersessionDocument,
  OneTimeTokenUseDocument,
  RefreshTokenDocument,
  RefreshTokenReplayDocument,
  SessionDocument,
  SessionRevocationDocument,
  UserDeletionDocument,
  UserDocument,
} from './mongo-documents.js';

const ROLES = ['user', 'admin'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ONE_TIME_TOKEN_PURPOSES = ['password_reset', 'email_verify', 'email_change'];
// Every method, checked by the compiler against the port's union.
const AUTHENTICATION_METHOD_LIST: Record<AuthenticationMethod, true> = { pwd: true, otp: true };

// Unknown fields are an error, in documents and in filters alike; no write buffering while disconnected (callers
// get an error they can answer 503 to, rather than a request that hangs).
const options = {
  versionKey: false,
  id: false,
  strict: 'throw',
  strictQuery: 'throw',
  bufferCommands: false,
  autoIndex: false,
} as const;

const id = { type: String, required: true, match: UUID };
const requiredDate = { type: Date, required: true };
const optionalDate = { type: Date, default: null };

/** Stored normalized: one @, no white space, nothing upper-case in any script. */
const email = {
  type: String,
  required: true,
  maxlength: 254,
  match: /^[^\s@\p{Lu}]+@[^\s@\p{Lu}]+$/u,
};

export const userSchema = new Schema<UserDocument>(
  {
    _id: id,
    email,
    emailVerified: { type: Boolean, required: true, default: false },
    name: { type: String, required: true, minlength: 1, maxlength: 100 },
    role: { type: String, required: true, enum: ROLES },
    passwordHash: { type: String, required: true, match: /^\$2[aby]\$\d{2}\$.{53}$/ },
    createdAt: requiredDate,
    updatedAt: requiredDate,
    passwordChangedAt: requiredDate,
  },
  { ...options, collection: 'users' },
);

export const emailClaimSchema = new Schema<EmailClaimDocument>(
  { _id: email, userId: id, createdAt: requiredDate },
  { ...options, collection: 'email_claims' },
);

export const userDeletionSchema = new Schema<UserDeletionDocument>(
  { _id: id, deletedAt: requiredDate },
  { ...options, collection: 'user_deletions' },
);

export const sessionSchema = new Schema<SessionDocument>(
  {
    _id: id,
    userId: id,
    createdAt: requiredDate,
    lastUsedAt: requiredDate,
    expiresAt: requiredDate,
    userAgent: { type: String, maxlength: 512, default: null },
    ip: { type: String, maxlength: 64, default: null },
    amr: {
      type: [{ type: String, enum: Object.keys(AUTHENTICATION_METHOD_LIST) }],
      default: undefined,
    },
  },
  { ...options, collection: 'sessions' },
);
sessionSchema.index({ userId: 1 }, { name: 'sessions_user' });

export const sessionRevocationSchema = new Schema<SessionRevocationDocument>(
  {
    _id: id,
    userId: id,
    revokedAt: requiredDate,
    reason: { type: String, required: true, enum: [...REVOCATION_REASONS] },
    expiresAt: requiredDate,
  },
  { ...options, collection: 'session_revocations' },
);

// The ended sessions a user lists (`GET /sessions?include=revoked`).
sessionRevocationSchema.index({ userId: 1, revokedAt: -1 }, { name: 'session_revocations_user' });

export const refreshTokenSchema = new Schema<RefreshTokenDocument>(
  {
    _id: id,
    sessionId: id,
    userId: id,
    tokenHash: { type: String, required: true, match: /^[0-9a-f]{64}$/ },
    createdAt: requiredDate,
    expiresAt: requiredDate,
    usedAt: optionalDate,
    replacedById: { type: String, match: UUID, default: null },
    rotatedFrom: { type: String, required: true, maxlength: 60 },
  },
  { ...options, collection: 'refresh_tokens' },
);
refreshTokenSchema.index({ tokenHash: 1 }, { unique: true, name: 'refresh_tokens_hash' });
refreshTokenSchema.index({ sessionId: 1 }, { name: 'refresh_tokens_session' });
// One successor per token: the atomic step of rotation (mongo-documents.ts says why an insert).
refreshTokenSchema.index({ rotatedFrom: 1 }, { unique: true, name: 'refresh_tokens_rotated_from' });

export const refreshTokenReplaySchema = new Schema<RefreshTokenReplayDocument>(
  {
    _id: { type: String, required: true, maxlength: 60 },
    tokenId: id,
    expiresAt: requiredDate,
  },
  { ...options, collection: 'refresh_token_replays' },
);
refreshTokenReplaySchema.index({ tokenId: 1 }, { name: 'refresh_token_replays_token' });
refreshTokenReplaySchema.index({ expiresAt: 1 }, { name: 'refresh_token_replays_expires' });

// Every kind, checked by the compiler against the port's union: a kind added there must be added here.
const MAIL_KIND_LIST: Record<MailKind, true> = {
  mail_request: true,
  password_reset: true,
  password_changed: true,
  email_verify: true,
  email_change_confirm: true,
  email_change_notice: true,
  refresh_reuse_notice: true,
  mfa_enabled: true,
  mfa_disabled: true,
  mfa_locked: true,
  mfa_recovery_code_used: true,
  mfa_recovery_codes_regenerated: true,
};
const UUID_SOURCE = UUID.source.slice(1, -1);
const count = {
  type: Number,
  required: true,
  min: 0,
  validate: { validator: Number.isSafeInteger, message: '{PATH} must be an integer' },
};

// Insert-only, like the claims and revocations: a mail's change of state is a new entry (mongo-documents.ts).
export const mailEntrySchema = new Schema<MailEntryDocument>(
  {
    _id: { type: String, required: true, match: new RegExp(`^${UUID_SOURCE}:\\d+$`) },
    mailId: id,
    kind: { type: String, required: true, enum: Object.keys(MAIL_KIND_LIST) },
    // A sealed message: a mail with attachments is not among the kinds; 1 MB is far above any of them.
    sealed: { type: String, maxlength: 1_000_000, default: null },
    createdAt: requiredDate,
    notAfter: requiredDate,
    state: { type: String, required: true, enum: ['pending', 'sent', 'dead'] },
    attempts: count,
    nextAttemptAt: requiredDate,
    sentAt: optionalDate,
    lastError: { type: String, maxlength: MAIL_ERROR_MAX_LENGTH, default: null },
  },
  { ...options, collection: 'mail_outbox' },
);
mailEntrySchema.index({ state: 1, nextAttemptAt: 1 }, { name: 'mail_outbox_due' });
mailEntrySchema.index({ state: 1, createdAt: 1 }, { name: 'mail_outbox_created' });
mailEntrySchema.index({ mailId: 1 }, { name: 'mail_outbox_mail' });

// Insert-only: the `_id` of a mail's next lease is what concurrent workers race to insert (mongo-documents.ts).
export const mailLeaseSchema = new Schema<MailLeaseDocument>(
  {
    _id: { type: String, required: true, match: new RegExp(`^${UUID_SOURCE}:\\d+:\\d+$`) },
    mailId: id,
    attempts: count,
    generation: count,
    leaseUntil: requiredDate,
    takenAt: requiredDate,
  },
  { ...options, collection: 'mail_leases' },
);
mailLeaseSchema.index({ mailId: 1 }, { name: 'mail_leases_mail' });

export const oneTimeTokenSchema = new Schema<OneTimeTokenDocument>(
  {
    _id: id,
    purpose: { type: String, required: true, enum: ONE_TIME_TOKEN_PURPOSES },
    userId: id,
    email,
    // SHA-256 in base64url, unpadded.
    tokenHash: { type: String, required: true, match: /^[A-Za-z0-9_-]{43}$/ },
    createdAt: requiredDate,
    expiresAt: requiredDate,
    sequence: { type: Number, required: true, min: 1, validate: Number.isSafeInteger },
  },
  { ...options, collection: 'one_time_tokens' },
);
oneTimeTokenSchema.index({ tokenHash: 1 }, { unique: true, name: 'one_time_tokens_hash' });
// One place per token among its user's tokens of a purpose: what orders concurrent issues (mongo-documents.ts).
oneTimeTokenSchema.index(
  { userId: 1, purpose: 1, sequence: 1 },
  { unique: true, name: 'one_time_tokens_sequence' },
);

export const oneTimeTokenUseSchema = new Schema<OneTimeTokenUseDocument>(
  { _id: id, usedAt: requiredDate, expiresAt: requiredDate },
  { ...options, collection: 'one_time_token_uses' },
);
oneTimeTokenUseSchema.index({ expiresAt: 1 }, { name: 'one_time_token_uses_expires' });

export const oneTimeTokenSupersessionSchema = new Schema<OneTimeTokenSupersessionDocument>(
  { _id: id, supersededAt: requiredDate, expiresAt: requiredDate },
  { ...options, collection: 'one_time_token_supersessions' },
);
oneTimeTokenSupersessionSchema.index(
  { expiresAt: 1 },
  { name: 'one_time_token_supersessions_expires' },
);

export function createModels(connection: Connection) {
  return {
    users: connection.model('User', userSchema),
    emailClaims: connection.model('EmailClaim', emailClaimSchema),
    userDeletions: connection.model('UserDeletion', userDeletionSchema),
    sessions: connection.model('Session', sessionSchema),
    sessionRevocations: connection.model('SessionRevocation', sessionRevocationSchema),
    refreshTokens: connection.model('RefreshToken', refreshTokenSchema),
    refreshTokenReplays: connection.model('RefreshTokenReplay', refreshTokenReplaySchema),
    mailEntries: connection.model('MailEntry', mailEntrySchema),
    mailLeases: connection.model('MailLease', mailLeaseSchema),
    oneTimeTokens: connection.model('OneTimeToken', oneTimeTokenSchema),
    oneTimeTokenUses: connection.model('OneTimeTokenUse', oneTimeTokenUseSchema),
    oneTimeTokenSupersessions: connection.model(
      'OneTimeTokenSupersession',
      oneTimeTokenSupersessionSchema,
    ),
    ...createMfaModels(connection),
  };
}

export type MongoModels = ReturnType<typeof createModels>;
