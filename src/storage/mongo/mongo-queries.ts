// Every filter and update the MongoDB adapter sends, as small pure functions, so tests can check them without a
// server. The connection sanitizes filters (any operator object from outside becomes a literal $eq match); the
// operators written here are ours, marked trusted. Values are checked to be strings at run time as well as in types.
import mongoose from 'mongoose';
import type { RevocationReason } from '../ports/session-store.js';

const { trusted } = mongoose;

function text(value: string): string {
  if (typeof value !== 'string') throw new TypeError('a MongoDB filter value must be a string');
  return value;
}

/** Live accounts store an explicit null: the form the unique partial email index covers. */
const LIVE = () => trusted({ $type: 'null' as const });

export const liveUserByEmail = (email: string) => ({ email: text(email), deletedAt: LIVE() });

export const liveUserById = (userId: string) => ({ _id: text(userId), deletedAt: LIVE() });

export const softDeleteUser = (now: Date) => ({ $set: { deletedAt: now, updatedAt: now } });

export const setPasswordHash = (passwordHash: string, now: Date) => ({
  $set: { passwordHash: text(passwordHash), passwordChangedAt: now, updatedAt: now },
});

export const liveSessionsOfUser = (userId: string, now: Date) => ({
  userId: text(userId),
  revokedAt: null,
  expiresAt: trusted({ $gt: now }),
});

/** Most recently used first. */
export const byLastUse = { lastUsedAt: -1 } as const;

export const unrevokedSessionsOfUser = (userId: string, exceptSessionId?: string) => ({
  userId: text(userId),
  revokedAt: null,
  ...(exceptSessionId === undefined ? {} : { _id: trusted({ $ne: text(exceptSessionId) }) }),
});

export const liveSession = (sessionId: string, now: Date) => ({
  _id: text(sessionId),
  revokedAt: null,
  expiresAt: trusted({ $gt: now }),
});

export const refreshTokenByHash = (tokenHash: string) => ({ tokenHash: text(tokenHash) });

/** The compare-and-set of rotation: matches only while the token is unused. */
export const unusedRefreshToken = (tokenId: string) => ({ _id: text(tokenId), usedAt: null });

export const markRefreshTokenUsed = (now: Date, successorId: string) => ({
  $set: { usedAt: now, replacedById: text(successorId) },
});

export const touchSession = (now: Date) => ({ $set: { lastUsedAt: now } });

export const unrevokedSession = (sessionId: string) => ({ _id: text(sessionId), revokedAt: null });

export const revokeSession = (now: Date, reason: RevocationReason) => ({
  $set: { revokedAt: now, revokedReason: reason },
});

export const expiredBefore = (now: Date) => ({ expiresAt: trusted({ $lt: now }) });

export const idIn = (ids: string[]) => ({ _id: trusted({ $in: ids.map(text) }) });

export const sessionIdIn = (sessionIds: string[]) => ({
  sessionId: trusted({ $in: sessionIds.map(text) }),
});
