// Every filter and update the MongoDB adapter sends, as small pure functions, so tests can check them without a
// server. The connection sanitizes filters (any operator object from outside becomes a literal $eq match); the
// operators written here are ours, marked trusted. Values are checked to be strings at run time as well as in types.
import mongoose from 'mongoose';
import type { OneTimeTokenPurpose } from '../ports/one-time-token-store.js';

const { trusted } = mongoose;

function text<Text extends string>(value: Text): Text {
  if (typeof value !== 'string') throw new TypeError('a MongoDB filter value must be a string');
  return value;
}

export const byId = (id: string) => ({ _id: text(id) });

/** The claim, the deletion or the revocation of one account or session. */
export const ownedBy = (id: string, userId: string) => ({ _id: text(id), userId: text(userId) });

export const setPasswordHash = (passwordHash: string, now: Date) => ({
  $set: { passwordHash: text(passwordHash), passwordChangedAt: now, updatedAt: now },
});

/** The account while its hash is still this one (a re-hash must not undo a change that landed first). */
export const withPasswordHash = (id: string, passwordHash: string) => ({
  _id: text(id),
  passwordHash: text(passwordHash),
});

export const setRehashedPassword = (passwordHash: string, now: Date) => ({
  $set: { passwordHash: text(passwordHash), updatedAt: now },
});

/** The account while its address is still this one (a change moves it from the address it read). */
export const withEmail = (id: string, email: string) => ({ _id: text(id), email: text(email) });

export const setEmail = (email: string, now: Date) => ({
  $set: { email: text(email), emailVerified: true, updatedAt: now },
});

export const setEmailVerified = (now: Date) => ({
  $set: { emailVerified: true, updatedAt: now },
});

export const oneTimeTokenByHash = (tokenHash: string) => ({ tokenHash: text(tokenHash) });

function sequenceNumber(sequence: number): number {
  if (!Number.isSafeInteger(sequence)) throw new TypeError('a token sequence must be an integer');
  return sequence;
}

/** A user's tokens of a purpose. */
export const oneTimeTokensOf = (userId: string, purpose: OneTimeTokenPurpose) => ({
  userId: text(userId),
  purpose: text(purpose),
});

/** A user's tokens of a purpose issued before the one placed at `sequence`. */
export const earlierOneTimeTokens = (
  userId: string,
  purpose: OneTimeTokenPurpose,
  sequence: number,
) => ({
  ...oneTimeTokensOf(userId, purpose),
  sequence: trusted({ $lt: sequenceNumber(sequence) }),
});

/** A user's tokens of a purpose issued after the one placed at `sequence`. */
export const laterOneTimeTokens = (
  userId: string,
  purpose: OneTimeTokenPurpose,
  sequence: number,
) => ({
  ...oneTimeTokensOf(userId, purpose),
  sequence: trusted({ $gt: sequenceNumber(sequence) }),
});

/** The newest token first. */
export const bySequenceDescending = { sequence: -1 } as const;

export const unexpiredSession = (sessionId: string, now: Date) => ({
  _id: text(sessionId),
  expiresAt: trusted({ $gt: now }),
});

export const unexpiredSessionsOfUser = (userId: string, now: Date) => ({
  userId: text(userId),
  expiresAt: trusted({ $gt: now }),
});

export const sessionsOfUser = (userId: string) => ({ userId: text(userId) });

/** Most recently used first. */
export const byLastUse = { lastUsedAt: -1 } as const;

export const refreshTokenByHash = (tokenHash: string) => ({ tokenHash: text(tokenHash) });

/** Marks a rotated token used, for reuse detection and its record (its successor's insert decided the winner). */
export const unusedRefreshToken = (tokenId: string) => ({ _id: text(tokenId), usedAt: null });

export const markRefreshTokenUsed = (now: Date, successorId: string) => ({
  $set: { usedAt: now, replacedById: text(successorId) },
});

/** The token that replaced `tokenId` (its successor holds the id in `rotatedFrom`). */
export const successorOf = (tokenId: string) => ({ rotatedFrom: text(tokenId) });

export const replaysOf = (tokenId: string) => ({ tokenId: text(tokenId) });

export const newerTokensOfSession = (sessionId: string, createdAt: Date) => ({
  sessionId: text(sessionId),
  createdAt: trusted({ $gt: createdAt }),
});

export const revokedSince = (userId: string, since: Date) => ({
  userId: text(userId),
  revokedAt: trusted({ $gte: since }),
});

/** Most recently revoked first. */
export const byRevocation = { revokedAt: -1 } as const;

export const touchSession = (now: Date) => ({ $set: { lastUsedAt: now } });

export const expiredBefore = (now: Date) => ({ expiresAt: trusted({ $lt: now }) });

export const idIn = (ids: string[]) => ({ _id: trusted({ $in: ids.map(text) }) });

export const sessionIdIn = (sessionIds: string[]) => ({
  sessionId: trusted({ $in: sessionIds.map(text) }),
});

/** Pending mail entries whose time has come (those under a lease that holds are set aside by the adapter). */
export const dueMailEntries = (now: Date) => ({
  state: 'pending' as const,
  nextAttemptAt: trusted({ $lte: now }),
});

export const pendingMailEntries = () => ({ state: 'pending' as const });

/** Oldest first; the id keeps the order of mails queued in one millisecond stable between calls. */
export const oldestFirst = { createdAt: 1, _id: 1 } as const;

/** Earliest due first (the due index's order); the id keeps ties stable between the pages of one lease call. */
export const earliestDueFirst = { nextAttemptAt: 1, _id: 1 } as const;

export const finishedMailEntriesBefore = (before: Date) => ({
  state: trusted({ $in: ['sent' as const, 'dead' as const] }),
  createdAt: trusted({ $lt: before }),
});

export const mailIdIn = (mailIds: string[]) => ({ mailId: trusted({ $in: mailIds.map(text) }) });
