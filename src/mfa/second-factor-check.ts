// Checks a second-factor code for an account with an active factor: a TOTP code or a recovery code. Every check,
// wherever it comes from (the login's second step, a password reset, disabling the factor, new recovery codes),
// goes through here, so each counts against the one account-wide lock and each spends what it used: the TOTP step
// (never accepted twice) or the recovery code (single use).
import type { ClientContext } from '../auth/client-context.js';
import type { PasswordHasher } from '../auth/passwords/password-hasher.js';
import type { Clock } from '../clock.js';
import { AppError } from '../errors/app-error.js';
import type { MailQueue } from '../mail/mail-queue.js';
import type { MfaFailureReason } from '../observability/audit-event.js';
import type { AuditLog } from '../observability/audit-log.js';
import type { MfaStore, TotpFactorRecord } from '../storage/ports/mfa-store.js';
import type { UserRecord } from '../storage/ports/user-store.js';
import { MFA_FAILURE_WINDOW_MS, type MfaLock } from './mfa-lock.js';
import { MFA_NOTICE_LIFETIME_MS, mfaLockedMail, recoveryCodeUsedMail } from './mfa-mails.js';
import { lookupIdOf, normalizeRecoveryCode } from './recovery-codes.js';
import { matchTotpCode } from './totp.js';
import type { TotpSecretSealer } from './totp-secret-sealer.js';

/** What a caller offers as its second factor. */
export type SecondFactorProof = { code: string } | { recoveryCode: string };

export type SecondFactorMethod = 'totp' | 'recovery_code';

/**
 * What a right code is for, claimed after the code matched and before it is spent (the login's mfaToken): false
 * when a request racing this one claimed it first. Then nothing is spent and nothing counted: MFA_TOKEN_INVALID.
 */
export type SecondFactorClaim = () => Promise<boolean>;

export interface SecondFactorCheck {
  /**
   * Resolves with the method that proved the factor; throws MFA_CODE_INVALID for a wrong, replayed or spent code,
   * MFA_LOCKED (with Retry-After) while the account is locked. `factor` is the user's active factor.
   */
  verify(
    user: UserRecord,
    factor: TotpFactorRecord,
    proof: SecondFactorProof,
    client: ClientContext,
    claim?: SecondFactorClaim,
  ): Promise<SecondFactorMethod>;
  /** The step a code matches for a secret now: the confirmation of a pending factor, before it is stored active. */
  matchPendingCode(
    user: UserRecord,
    secret: string,
    code: string,
    client: ClientContext,
  ): Promise<number>;
}

export interface SecondFactorCheckDeps {
  mfa: MfaStore;
  sealer: TotpSecretSealer;
  lock: MfaLock;
  hasher: PasswordHasher;
  mail: MailQueue;
  clock: Clock;
  audit: AuditLog;
}

export function createSecondFactorCheck(deps: SecondFactorCheckDeps): SecondFactorCheck {
  const { mfa, sealer, lock, hasher, clock, audit } = deps;
  /** Compared against when no stored code has the typed lookup id, so a miss costs what a hit costs. */
  let absentCodeHash: Promise<string> | undefined;
  const hashToCompare = (stored: string | undefined) =>
    stored ?? (absentCodeHash ??= hasher.hash('no recovery code has this lookup id'));

  /** Reserves an attempt, runs `check` (true when the code was right), and counts or gives back the slot. */
  async function attempt(
    user: UserRecord,
    client: ClientContext,
    check: () => Promise<true | MfaFailureReason>,
  ): Promise<void> {
    const reservation = await lock.reserve(user.id);
    if (reservation.locked) {
      audit.record('mfa.failed', { userId: user.id, reason: 'locked', ...client });
      throw lockedError(reservation.retryAfterSeconds);
    }
    let outcome: true | MfaFailureReason;
    try {
      outcome = await check();
    } catch (error) {
      await reservation.succeeded(); // not a wrong code: the slot goes back
      throw error;
    }
    if (outcome === true) return reservation.succeeded();
    const { lockedNow } = await reservation.failed();
    audit.record('mfa.failed', { userId: user.id, reason: outcome, ...client });
    if (lockedNow) await announceLock(user, client);
    throw new AppError('MFA_CODE_INVALID');
  }

  async function announceLock(user: UserRecord, client: ClientContext): Promise<void> {
    audit.record('mfa.locked', { userId: user.id, ...client });
    const minutes = MFA_FAILURE_WINDOW_MS / 60_000;
    await deps.mail.queue(
      mfaLockedMail(user.email, minutes),
      new Date(clock.now() + MFA_NOTICE_LIFETIME_MS),
    );
  }

  function openSecret(factor: TotpFactorRecord): string {
    const secret = sealer.open(factor.sealedSecret, factor.userId);
    // Not the user's mistake: the key that sealed it is gone from MFA_ENCRYPTION_KEY(_PREVIOUS), or the row was
    // altered. A 500 (and the log) tells the operator; a wrong-code answer would lock the owner out instead.
    if (secret === undefined) throw new Error(`TOTP secret of factor ${factor.id} does not open`);
    return secret;
  }

  /** Claims what the code is for; a claim lost to a racing request spends nothing (the slot goes back). */
  async function claimOrThrow(claim: SecondFactorClaim | undefined): Promise<void> {
    if (claim !== undefined && !(await claim())) throw new AppError('MFA_TOKEN_INVALID');
  }

  async function checkTotp(factor: TotpFactorRecord, code: string, claim?: SecondFactorClaim) {
    const secret = openSecret(factor);
    const step = matchTotpCode(secret, code, clock.now());
    if (step === undefined) return 'code_invalid';
    // A step known to be spent is refused before anything is claimed for it.
    if (factor.lastUsedStep !== null && step <= factor.lastUsedStep) return 'code_replayed';
    await claimOrThrow(claim);
    const advanced = await mfa.advanceTotpStep(factor.userId, factor.id, step);
    if (!advanced) return 'code_replayed';
    await resealUnderCurrentKey(factor, secret);
    return true;
  }

  /** A secret still sealed under MFA_ENCRYPTION_KEY_PREVIOUS moves to the current key at its first use after it. */
  async function resealUnderCurrentKey(factor: TotpFactorRecord, secret: string): Promise<void> {
    if (!sealer.needsReseal(factor.sealedSecret)) return;
    const resealed = sealer.seal(secret, factor.userId);
    await mfa.resealSecret(factor.userId, factor.id, factor.sealedSecret, resealed);
  }

  async function checkRecoveryCode(user: UserRecord, typed: string, claim?: SecondFactorClaim) {
    const code = normalizeRecoveryCode(typed);
    if (code === undefined) return 'code_invalid';
    const stored = await mfa.findRecoveryCode(user.id, lookupIdOf(code));
    const matches = await hasher.verify(code, await hashToCompare(stored?.codeHash));
    if (!stored || !matches) return 'code_invalid';
    await claimOrThrow(claim);
    if (!(await mfa.useRecoveryCode(user.id, lookupIdOf(code), new Date(clock.now())))) {
      return 'code_invalid'; // spent by a request racing this one
    }
    return true;
  }

  async function announceRecoveryCodeUse(user: UserRecord, client: ClientContext): Promise<void> {
    const remaining = await mfa.countUnusedRecoveryCodes(user.id);
    audit.record('mfa.recovery_code_used', { userId: user.id, remaining, ...client });
    await deps.mail.queue(
      recoveryCodeUsedMail(user.email, remaining),
      new Date(clock.now() + MFA_NOTICE_LIFETIME_MS),
    );
  }

  return {
    async verify(user, factor, proof, client, claim) {
      if ('code' in proof) {
        await attempt(user, client, () => checkTotp(factor, proof.code, claim));
        return 'totp';
      }
      await attempt(user, client, () => checkRecoveryCode(user, proof.recoveryCode, claim));
      await announceRecoveryCodeUse(user, client);
      return 'recovery_code';
    },

    async matchPendingCode(user, secret, code, client) {
      let step: number | undefined;
      await attempt(user, client, () => {
        step = matchTotpCode(secret, code, clock.now());
        return Promise.resolve(step === undefined ? 'code_invalid' : true);
      });
      return step ?? Number.NaN;
    },
  };
}

export function lockedError(retryAfterSeconds: number): AppError {
  return new AppError('MFA_LOCKED', { headers: { 'Retry-After': String(retryAfterSeconds) } });
}
