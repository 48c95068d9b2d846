// The second-factor port (DESIGN section 11): a user's TOTP factor (pending while enrolling, then active), its
// recovery codes, and the challenges a password-only login leaves for the second step. Secrets reach the store
// sealed and codes hashed; nothing here is readable as a working code. Adapters (sqlite, mongo) implement it; its
// contract suite is test/contract/mfa-store.contract.ts.

export interface TotpFactorRecord {
  /** A random UUID, new at every setup: a confirmation names the factor it confirms. */
  id: string;
  userId: string;
  /** The TOTP secret sealed with MFA_ENCRYPTION_KEY (the value names the key that sealed it). */
  sealedSecret: string;
  status: 'pending' | 'active';
  createdAt: Date;
  /** A pending factor can be confirmed until then; an active one has none. */
  pendingUntil: Date | null;
  confirmedAt: Date | null;
  /** The last TOTP time step accepted for this user (a code of that step or any before is never taken again). */
  lastUsedStep: number | null;
}

export type NewPendingFactor = Pick<
  TotpFactorRecord,
  'id' | 'userId' | 'sealedSecret' | 'createdAt'
> & {
  /** Every pending factor has an end (setup and confirm are minutes apart). */
  pendingUntil: Date;
};

/** One recovery code, as kept: a short lookup id beside the bcrypt hash of the whole code. */
export interface NewRecoveryCode {
  /** Unique among the codes of one set; part of the code itself, so an attempt costs one compare. */
  lookupId: string;
  codeHash: string;
}

export interface StoredRecoveryCode extends NewRecoveryCode {
  usedAt: Date | null;
}

/** What a password-only login of an MFA user leaves behind: finished by `POST /login/mfa`. */
export interface MfaChallengeRecord {
  /** A random UUID. */
  id: string;
  userId: string;
  /** SHA-256 of the mfaToken (base64url); the token itself is never stored. */
  tokenHash: string;
  createdAt: Date;
  expiresAt: Date;
  /** Wrong codes presented with it so far. */
  failures: number;
  usedAt: Date | null;
  /** The device the password step came from (a device token's id), so the login it finishes keeps it trusted. */
  deviceId: string | null;
}

export type NewMfaChallenge = Omit<MfaChallengeRecord, 'failures' | 'usedAt'>;

export type SavePendingFactorOutcome = { outcome: 'saved' } | { outcome: 'already-enabled' };

export type ActivateFactorOutcome =
  | { outcome: 'activated' }
  /** No pending factor with this id, or it expired at `now`, or another setup replaced it. */
  | { outcome: 'not-found' }
  | { outcome: 'already-enabled' };

export type ChallengeFailureOutcome =
  /** The failure is counted; `burned` once it reached the cap (the token is worthless from then on). */
  | { outcome: 'counted'; failures: number; burned: boolean }
  /** Not a live challenge (unknown, used, expired or already burned): nothing counted. */
  | { outcome: 'not-live' };

export interface MfaSweepResult {
  challenges: number;
  pendingFactors: number;
  recoveryCodes: number;
}

export interface MfaStore {
  /**
   * Stores a pending factor for the user, replacing any pending one (a second setup makes the first worthless).
   * 'already-enabled' when the user has an active factor: nothing changes then.
   */
  savePendingFactor(factor: NewPendingFactor): Promise<SavePendingFactorOutcome>;

  /** The user's factor, pending or active, whatever its state (a pending one may have expired). */
  findFactor(userId: string): Promise<TotpFactorRecord | undefined>;

  /**
   * Makes the pending factor `factorId` the user's active factor if it is still the pending one and unexpired at
   * `now`, with `acceptedStep` as its last used step and `codes` as its recovery codes (replacing any). Atomic: of
   * concurrent confirmations, exactly one returns 'activated'; the others 'already-enabled'. No code of a failed
   * call is ever usable.
   */
  activateFactor(
    userId: string,
    factorId: string,
    acceptedStep: number,
    codes: readonly NewRecoveryCode[],
    now: Date,
  ): Promise<ActivateFactorOutcome>;

  /**
   * Records `step` as the last accepted time step of the user's active factor, if it is later than the one recorded
   * (or none is). Atomic compare-and-set: of concurrent calls with one step, exactly one returns true; a step at or
   * before the recorded one returns false. This is what keeps a code from being accepted twice.
   */
  advanceTotpStep(userId: string, factorId: string, step: number): Promise<boolean>;

  /**
   * Replaces the active factor's sealed secret with `to` if it still is `from`: the same secret sealed again under
   * the current MFA_ENCRYPTION_KEY, so a retired key stops being needed. False (nothing changes) otherwise; of
   * concurrent calls, any may win, since every `to` holds the same secret.
   */
  resealSecret(userId: string, factorId: string, from: string, to: string): Promise<boolean>;

  /** Removes the user's factor (pending or active) and its recovery codes; true when there was one. */
  deleteFactor(userId: string): Promise<boolean>;

  /** The unused recovery code of the user's active factor with this lookup id. */
  findRecoveryCode(userId: string, lookupId: string): Promise<StoredRecoveryCode | undefined>;

  /**
   * Marks the recovery code used if it is unused and belongs to the user's active factor. Atomic: of concurrent
   * calls with one code, exactly one returns true.
   */
  useRecoveryCode(userId: string, lookupId: string, now: Date): Promise<boolean>;

  /**
   * Replaces every recovery code of the user's active factor with `codes`; false (nothing changed) when the user
   * has no active factor. From the moment it returns, no old code is usable.
   */
  replaceRecoveryCodes(
    userId: string,
    codes: readonly NewRecoveryCode[],
    now: Date,
  ): Promise<boolean>;

  /** How many unused recovery codes the user's active factor has left (0 without one). */
  countUnusedRecoveryCodes(userId: string): Promise<number>;

  /** Stores a new challenge. */
  createChallenge(challenge: NewMfaChallenge): Promise<void>;

  /** The challenge with this hash if it is live at `now`: unused, unexpired, with fewer than `maxFailures` failures. */
  findLiveChallenge(
    tokenHash: string,
    now: Date,
    maxFailures: number,
  ): Promise<MfaChallengeRecord | undefined>;

  /**
   * Counts one wrong code against a live challenge. Atomic: of any number of concurrent calls, at most
   * `maxFailures` are counted, and the one that reaches the cap returns `burned: true`.
   */
  recordChallengeFailure(
    tokenHash: string,
    now: Date,
    maxFailures: number,
  ): Promise<ChallengeFailureOutcome>;

  /**
   * Marks a live challenge used (the login it stood for is finished). Atomic: of concurrent calls with one token,
   * exactly one returns true.
   */
  consumeChallenge(tokenHash: string, now: Date, maxFailures: number): Promise<boolean>;

  /**
   * Deletes challenges and pending factors that expired before `now`, and recovery codes no active factor holds,
   * at most `limit` of each per call (bounded like the other sweeps).
   */
  sweepExpiredMfa(now: Date, limit: number): Promise<MfaSweepResult>;
}
