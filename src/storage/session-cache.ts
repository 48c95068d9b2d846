// The session check behind every protected request, served from a small in-process cache (DESIGN §4): a live
// session and its user are kept for a short TTL, so a client's requests do not each cost two store lookups. Every
// revocation made through this process clears the affected entries at once; other instances see a revocation once
// their entry expires (at most the TTL later). Expiry is re-checked on every hit.
import type { Clock } from '../clock.js';
import type { LiveSession } from './ports/session-store.js';
import type { Stores } from './ports/stores.js';

export interface SessionCacheOptions {
  clock: Clock;
  /** How long a looked-up live session is served from memory; 0 turns the cache off. */
  ttlMs: number;
  /** Beyond this many sessions the oldest entries are dropped (a bound on memory, whatever the traffic). */
  maxEntries?: number;
}

interface Entry {
  live: LiveSession;
  cachedAt: number;
}

export function withSessionCache(stores: Stores, options: SessionCacheOptions): Stores {
  const { clock, ttlMs, maxEntries = 10_000 } = options;
  if (ttlMs <= 0) return stores;
  const { users, sessions } = stores;
  const entries = new Map<string, Entry>();

  const forgetSession = (sessionId: string) => entries.delete(sessionId);
  const forgetUser = (userId: string) => {
    for (const [sessionId, entry] of entries) {
      if (entry.live.user.id === userId) entries.delete(sessionId);
    }
  };
  /**
   * Counts the revocations through this cache, begun and finished. A lookup caches what it read only when no
   * revocation began or finished while it was reading: a read that started before a revocation may return the session
   * as it was, but must not put it back in the cache for a whole TTL after the revocation cleared it.
   */
  let revocations = 0;
  /** Cleared before the write and again after it; each edge counts, so a lookup spanning either does not cache. */
  async function clearing<T>(forget: () => void, write: () => Promise<T>): Promise<T> {
    revocations += 1;
    forget();
    try {
      return await write();
    } finally {
      revocations += 1;
      forget();
    }
  }

  return {
    ...stores,
    sessions: {
      ...sessions,

      async findLiveSession(sessionId, now) {
        const entry = entries.get(sessionId);
        if (entry && clock.now() - entry.cachedAt < ttlMs) {
          if (entry.live.session.expiresAt > now) return entry.live;
          entries.delete(sessionId);
          return undefined;
        }
        const revocationsBefore = revocations;
        const live = await sessions.findLiveSession(sessionId, now);
        if (live && revocations === revocationsBefore) {
          entries.delete(sessionId);
          entries.set(sessionId, { live, cachedAt: clock.now() });
          // Maps iterate in insertion order: the first key is the oldest entry.
          if (entries.size > maxEntries) entries.delete(entries.keys().next().value ?? '');
        } else {
          entries.delete(sessionId);
        }
        return live;
      },

      revokeSession: (sessionId, reason, now) =>
        clearing(
          () => forgetSession(sessionId),
          () => sessions.revokeSession(sessionId, reason, now),
        ),
      revokeUserSessions: (userId, reason, now, exceptSessionId) =>
        clearing(
          () => {
            forgetUser(userId);
          },
          () => sessions.revokeUserSessions(userId, reason, now, exceptSessionId),
        ),
    },
    users: {
      ...users,
      softDeleteUser: (userId, now) =>
        clearing(
          () => {
            forgetUser(userId);
          },
          () => users.softDeleteUser(userId, now),
        ),
      // The cached user carries passwordChangedAt and updatedAt.
      updatePasswordHash: (userId, passwordHash, now) =>
        clearing(
          () => {
            forgetUser(userId);
          },
          () => users.updatePasswordHash(userId, passwordHash, now),
        ),
      // The cached user carries its address and whether it is verified (the access token's email_verified).
      markEmailVerified: (userId, now) =>
        clearing(
          () => {
            forgetUser(userId);
          },
          () => users.markEmailVerified(userId, now),
        ),
      changeEmail: (userId, newEmail, now) =>
        clearing(
          () => {
            forgetUser(userId);
          },
          () => users.changeEmail(userId, newEmail, now),
        ),
    },
  };
}
