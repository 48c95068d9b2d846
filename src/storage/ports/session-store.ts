// The sessions port: sessions (one login on one device) and the refresh tokens rotation produces in each. Adapters
// (sqlite, mongo) implement it; its contract suite is test/contract/session-store.contract.ts.
import type { SessionUser } from './user-store.js';

/** One login on one device: the family of refresh tokens that rotation produces. */
export interface SessionRecord {
  id: string;
  userId: string;
  createdAt: Date;
  lastUsedAt: Date;
  /** The absolute end of the session; no refresh token of it outlives this. */
  expiresAt: Date;
  revokedAt: Date | null;
  revokedReason: RevocationReason | null;
  userAgent: string | null;
  ip: string | null;
  /**
   * How the login that opened it was authenticated (RFC 8176 values), carried by every access token the session
   * issues as `amr`. Sessions stored before the claim existed read as `['pwd']`.
   */
  amr: readonly AuthenticationMethod[];
}

/** `pwd`: the password; `otp`: a one-time code of the second factor (a TOTP code or a recovery code). */
export type AuthenticationMethod = 'pwd' | 'otp';

export type NewSession = Pick<
  SessionRecord,
  'id' | 'userId' | 'createdAt' | 'expiresAt' | 'userAgent' | 'ip' | 'amr'
>;

export interface RefreshTokenRecord {
  /** The JWT's `jti`. */
  id: string;
  sessionId: string;
  userId: string;
  /** SHA-256 of the token; the token itself is never stored. */
  tokenHash: string;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
  replacedById: string | null;
}

export type NewRefreshToken = Pick<
  RefreshTokenRecord,
  'id' | 'sessionId' | 'userId' | 'tokenHash' | 'createdAt' | 'expiresAt'
>;

/** Why a session ended: stored with it, listed to its owner and sent with SESSION_REVOKED. */
export const REVOCATION_REASONS = [
  'logout',
  'logout_all',
  'refresh_token_reused',
  'password_changed',
  'account_deleted',
  'password_reset',
  'email_changed',
  'mfa_enabled',
  'mfa_disabled',
] as const;

export type RevocationReason = (typeof REVOCATION_REASONS)[number];

/**
 * The reuse grace (DESIGN section 9): for `windowMs` after a rotation, the rotated token may be presented again up to
 * `maxReplays` times while its successor is unused, and each time gets that same successor back. `windowMs` 0 is
 * strict: any second use is reuse.
 */
export interface ReuseGrace {
  windowMs: number;
  maxReplays: number;
}

export const STRICT_ROTATION: ReuseGrace = { windowMs: 0, maxReplays: 0 };

export type RotationOutcome =
  | { outcome: 'rotated' }
  /** The token was rotated moments ago and its successor is unused: this replay gets that successor. */
  | { outcome: 'graced'; successor: RefreshTokenRecord }
  | {
      outcome: 'reused';
      sessionId: string;
      userId: string;
      /** When the token was first used (rotated). */
      usedAt: Date;
      /** How many tokens the session issued after this one: 1 for a replay of the token just rotated. */
      generationsBehind: number;
    }
  | { outcome: 'revoked'; reason: RevocationReason }
  | { outcome: 'expired' }
  | { outcome: 'unknown' };

/** A live session with its (live) user: what authorization needs. */
export interface LiveSession {
  session: SessionRecord;
  /** The account without its password hash: what a signed-in request may know of it. */
  user: SessionUser;
}

export interface SweepResult {
  refreshTokens: number;
  sessions: number;
}

export interface SessionStore {
  /** Creates the session and its first refresh token together, or neither. */
  openSession(session: NewSession, firstToken: NewRefreshToken): Promise<void>;

  /** The session if it is live at `now` (not revoked, not expired, its user not deleted), with its user. */
  findLiveSession(sessionId: string, now: Date): Promise<LiveSession | undefined>;

  /** The stored refresh token with this hash, in whatever state it is. */
  findRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | undefined>;

  /**
   * Marks the token with `tokenHash` used and stores `successor` in its place, if and only if the token is unused,
   * unexpired at `now`, its session is not revoked, and `successor` names the same session and user ('unknown'
   * otherwise). Atomic compare-and-set: of concurrent calls with one token, exactly one returns 'rotated'.
   *
   * A used token is 'graced' instead of 'reused' while all of these hold: `grace.windowMs` > 0, its successor was
   * created at most `grace.windowMs` before `now` and is itself unused, the session is live, and fewer than
   * `grace.maxReplays` replays of the token were graced before. Atomic too: of any number of concurrent replays,
   * at most `grace.maxReplays` are graced, all with the one stored successor; no other token is ever stored for
   * them. Nothing is written unless the outcome is 'rotated' or 'graced' (which counts the replay).
   */
  rotateRefreshToken(
    tokenHash: string,
    successor: NewRefreshToken,
    now: Date,
    grace?: ReuseGrace,
  ): Promise<RotationOutcome>;

  /** The session in whatever state it is (ended ones too, until the sweep removes them). */
  findSession(sessionId: string): Promise<SessionRecord | undefined>;

  /** Ends the session if it is not already ended; true when this call ended it. */
  revokeSession(sessionId: string, reason: RevocationReason, now: Date): Promise<boolean>;

  /** Ends every session of the user that is not already ended, except `exceptSessionId`; resolves to how many. */
  revokeUserSessions(
    userId: string,
    reason: RevocationReason,
    now: Date,
    exceptSessionId?: string,
  ): Promise<number>;

  /** The user's sessions live at `now` (not revoked, not expired), most recently used first. */
  listLiveSessions(userId: string, now: Date): Promise<SessionRecord[]>;

  /** The user's sessions revoked at or after `since` (and not yet swept), most recently revoked first. */
  listRevokedSessions(userId: string, since: Date): Promise<SessionRecord[]>;

  /**
   * Deletes refresh tokens and sessions whose expiry is before `now`, at most `limit` of each per call, so one call
   * never holds the event loop for long. Tokens go first: a session is deleted only in a call that found fewer
   * than `limit` expired tokens, and never while it still holds a token.
   */
  sweepExpired(now: Date, limit: number): Promise<SweepResult>;
}
