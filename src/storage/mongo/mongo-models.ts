// Mongoose schemas and models for users, sessions and refresh tokens: validation, and the indexes every lookup and
// guarantee relies on. Models are bound to a connection passed in; there is no global mongoose state.
import { Schema, type Connection } from 'mongoose';
import type { RefreshTokenDocument, SessionDocument, UserDocument } from './mongo-documents.js';

const ROLES = ['user', 'admin'];
const REVOCATION_REASONS = [
  'logout',
  'logout_all',
  'refresh_token_reused',
  'password_changed',
  'account_deleted',
];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

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

export const userSchema = new Schema<UserDocument>(
  {
    _id: id,
    // Stored normalized: one @, no white space, nothing upper-case in any script.
    email: {
      type: String,
      required: true,
      maxlength: 254,
      match: /^[^\s@\p{Lu}]+@[^\s@\p{Lu}]+$/u,
    },
    name: { type: String, required: true, minlength: 1, maxlength: 100 },
    role: { type: String, required: true, enum: ROLES },
    passwordHash: { type: String, required: true, match: /^\$2[aby]\$\d{2}\$.{53}$/ },
    createdAt: requiredDate,
    updatedAt: requiredDate,
    passwordChangedAt: requiredDate,
    deletedAt: optionalDate,
  },
  { ...options, collection: 'users' },
);
// Unique among live accounts only: a soft-deleted account leaves the index, so its email can register again.
// `$type: 'null'` (not `deletedAt: null`, which MongoDB cannot use in a partial index) matches the explicit null
// every live account stores.
userSchema.index(
  { email: 1 },
  {
    unique: true,
    name: 'users_live_email',
    partialFilterExpression: { deletedAt: { $type: 'null' } },
  },
);

export const sessionSchema = new Schema<SessionDocument>(
  {
    _id: id,
    userId: id,
    createdAt: requiredDate,
    lastUsedAt: requiredDate,
    expiresAt: requiredDate,
    revokedAt: optionalDate,
    revokedReason: { type: String, enum: [...REVOCATION_REASONS, null], default: null },
    userAgent: { type: String, maxlength: 512, default: null },
    ip: { type: String, maxlength: 64, default: null },
  },
  { ...options, collection: 'sessions' },
);
sessionSchema.index({ userId: 1 }, { name: 'sessions_user' });
// MongoDB removes a session itself once it is past its absolute end.
sessionSchema.index({ expiresAt: 1 }, { name: 'sessions_ttl', expireAfterSeconds: 0 });

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
  },
  { ...options, collection: 'refresh_tokens' },
);
refreshTokenSchema.index({ tokenHash: 1 }, { unique: true, name: 'refresh_tokens_hash' });
refreshTokenSchema.index({ sessionId: 1 }, { name: 'refresh_tokens_session' });
refreshTokenSchema.index({ expiresAt: 1 }, { name: 'refresh_tokens_ttl', expireAfterSeconds: 0 });

export function createModels(connection: Connection) {
  return {
    users: connection.model('User', userSchema),
    sessions: connection.model('Session', sessionSchema),
    refreshTokens: connection.model('RefreshToken', refreshTokenSchema),
  };
}

export type MongoModels = ReturnType<typeof createModels>;
