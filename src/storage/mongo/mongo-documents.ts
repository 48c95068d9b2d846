// Document shapes as MongoDB stores them, and their mapping to the port's records. Ids are the port's own string
// ids (UUIDs), kept in _id.
import type {
  RefreshTokenRecord,
  RevocationReason,
  Role,
  SessionRecord,
  UserRecord,
} from '../ports.js';

export interface UserDocument {
  _id: string;
  email: string;
  name: string;
  role: Role;
  passwordHash: string;
  createdAt: Date;
  updatedAt: Date;
  passwordChangedAt: Date;
  deletedAt: Date | null;
}

export interface SessionDocument {
  _id: string;
  userId: string;
  createdAt: Date;
  lastUsedAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  revokedReason: RevocationReason | null;
  userAgent: string | null;
  ip: string | null;
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
}

export function toUser({ _id, ...fields }: UserDocument): UserRecord {
  return { id: _id, ...fields };
}

export function toSession({ _id, ...fields }: SessionDocument): SessionRecord {
  return { id: _id, ...fields };
}

export function toRefreshToken({ _id, ...fields }: RefreshTokenDocument): RefreshTokenRecord {
  return { id: _id, ...fields };
}
