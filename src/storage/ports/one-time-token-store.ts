// The one-time tokens port: the links account recovery mails (password reset, email verification, email change).
// Only a token's SHA-256 is stored. Adapters (sqlite, mongo) implement it; its contract suite is
// test/contract/one-time-token-store.contract.ts.

export type OneTimeTokenPurpose = 'password_reset' | 'email_verify' | 'email_change';

export interface OneTimeTokenRecord {
  /** A random UUID. */
  id: string;
  purpose: OneTimeTokenPurpose;
  userId: string;
  /** The address the token was mailed to (for an email change, the new address it confirms). */
  email: string;
  /** SHA-256 of the token (base64url); the token itself is never stored. */
  tokenHash: string;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
  /** When a newer token of the same user and purpose made this one worthless. */
  supersededAt: Date | null;
}

export type NewOneTimeToken = Omit<OneTimeTokenRecord, 'usedAt' | 'supersededAt'>;

export type ConsumeOneTimeTokenOutcome =
  /** The token as it now stands: `usedAt` is the consuming call's `now`. */
  | { outcome: 'consumed'; token: OneTimeTokenRecord }
  /** No token with this hash, or one of another purpose (a purpose never tells about another's tokens). */
  | { outcome: 'unknown' }
  | { outcome: 'used' }
  | { outcome: 'expired' }
  | { outcome: 'superseded' };

export interface OneTimeTokenStore {
  /**
   * Stores a new token, and supersedes every unused token of the same user and purpose stored before it: from then
   * on only the newest can be consumed. (Issued in the same clock millisecond, the later call still supersedes the
   * earlier one.) Of concurrent calls for one user and purpose, exactly one token is consumable once all have
   * returned; a consume racing an issue either consumes the older token before it is superseded or finds it
   * superseded, never both.
   */
  issueOneTimeToken(token: NewOneTimeToken, now: Date): Promise<void>;

  /**
   * Consumes the token with this hash if it is of `purpose`, unused, not superseded and unexpired at `now` (a token
   * expires at its `expiresAt`: consumed at that instant it is 'expired'). Atomic: of concurrent calls with one
   * token, exactly one returns 'consumed'; the others 'used'. Where several refusals apply, 'used' comes before
   * 'superseded' and 'superseded' before 'expired'.
   */
  consumeOneTimeToken(
    tokenHash: string,
    purpose: OneTimeTokenPurpose,
    now: Date,
  ): Promise<ConsumeOneTimeTokenOutcome>;

  /**
   * The token with this hash if it is of `purpose` and consumable at `now` (unused, not superseded, unexpired),
   * without consuming it: a reset that must first ask for a second factor looks before it spends the link.
   */
  findConsumableOneTimeToken(
    tokenHash: string,
    purpose: OneTimeTokenPurpose,
    now: Date,
  ): Promise<OneTimeTokenRecord | undefined>;

  /** Deletes tokens whose expiry is before `now`, at most `limit` per call (bounded like the other sweeps). */
  sweepExpiredOneTimeTokens(now: Date, limit: number): Promise<number>;
}
