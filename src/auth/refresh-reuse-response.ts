// What happens when a used refresh token comes back outside the grace (DESIGN section 9): its session ends (or every
// session of the account, with REUSE_REVOKES_ALL_SESSIONS), the audit log says what we know without any token
// material, and the owner is mailed, at most once per session and three times a day, so a thief replaying old
// tokens cannot turn the notice into a mail bomb.
import type { Clock } from '../clock.js';
import { AppError } from '../errors/app-error.js';
import type { CounterStore } from '../limits/counter-store.js';
import type { MailQueue } from '../mail/mail-queue.js';
import type { AuditLog } from '../observability/audit-log.js';
import type { SessionStore } from '../storage/ports/session-store.js';
import type { UserStore } from '../storage/ports/user-store.js';
import type { ClientContext } from './client-context.js';
import { reuseNoticeMail } from './reuse-notice-mail.js';

export interface DetectedReuse {
  sessionId: string;
  userId: string;
  /** When the token was first used. */
  usedAt: Date;
  /** How many tokens the session issued after this one, when known. */
  generationsBehind?: number;
}

export interface ReuseResponseDeps {
  sessions: SessionStore;
  users: UserStore;
  mail: MailQueue;
  counters: CounterStore;
  clock: Clock;
  audit: AuditLog;
  appUrl: string;
  revokesAllSessions: boolean;
}

const DAY_MS = 24 * 3600 * 1000;
const NOTICES_PER_DAY = 3;
/** A notice is worth sending for a day; after that the owner has long seen the sessions list or signed in again. */
const NOTICE_LIFETIME_MS = DAY_MS;

/** Ends what the reuse puts at risk and tells the owner; always throws REFRESH_TOKEN_REUSED. */
export type ReuseResponse = (reuse: DetectedReuse, client: ClientContext) => Promise<never>;

export function createReuseResponse(deps: ReuseResponseDeps): ReuseResponse {
  const { sessions, users, clock, audit } = deps;

  /** Ends the session (or all the account's); true when this call ended the reused token's session. */
  async function endSessions({ sessionId, userId }: DetectedReuse, now: Date): Promise<boolean> {
    const ended = await sessions.revokeSession(sessionId, 'refresh_token_reused', now);
    if (deps.revokesAllSessions) {
      await sessions.revokeUserSessions(userId, 'refresh_token_reused', now);
    }
    return ended;
  }

  /** Mails the owner, unless three notices went out today; the session's own notice is once by construction. */
  async function tellOwner(reuse: DetectedReuse, client: ClientContext, now: Date) {
    const today = await deps.counters.increment(`reuse-notice:${reuse.userId}`, DAY_MS);
    if (today.count > NOTICES_PER_DAY) return false;
    const [owner, session] = await Promise.all([
      users.findLiveUserById(reuse.userId),
      sessions.findSession(reuse.sessionId),
    ]);
    if (!owner) return false;
    const facts = {
      to: owner.email,
      at: now,
      ...client,
      signedInFrom: { ip: session?.ip ?? null, userAgent: session?.userAgent ?? null },
      endedAll: deps.revokesAllSessions,
    };
    await deps.mail.queue(
      reuseNoticeMail(facts, deps.appUrl),
      new Date(now.getTime() + NOTICE_LIFETIME_MS),
    );
    return true;
  }

  return async (reuse, client) => {
    const now = new Date(clock.now());
    // Only the call that ended the session tells anyone: racing replays of one stolen token make one notice.
    if (await endSessions(reuse, now)) {
      const mailed = await tellOwner(reuse, client, now);
      audit.record('token.reuse_detected', {
        userId: reuse.userId,
        sessionId: reuse.sessionId,
        firstUsedAt: reuse.usedAt,
        generationsBehind: reuse.generationsBehind,
        allSessionsEnded: deps.revokesAllSessions,
        ownerMailed: mailed,
        ...client,
      });
    }
    throw new AppError('REFRESH_TOKEN_REUSED');
  };
}
