// Second-factor document shapes as MongoDB stores them, and their mapping to the MFA port's records. Like the rest
// of this adapter (mongo-documents.ts says why), every guarantee rests on an insert under a unique key, never on an
// update: FerretDB 1.24 applies a conditional update as a read and a later write, so two concurrent ones both
// "match". A confirmation is the insert of the active factor under the user's id; an accepted TOTP step, a used
// code, a consumed challenge and each counted failure are inserts of their own; replacing recovery codes inserts a
// new set at the next place of the factor's sets.
import type { MfaChallengeRecord, NewRecoveryCode, TotpFactorRecord } from '../ports/mfa-store.js';

/** The user's latest setup, until confirmed; `_id` is the user's id, so a new setup replaces it whole. */
export interface MfaPendingFactorDocument {
  _id: string;
  factorId: string;
  sealedSecret: string;
  createdAt: Date;
  pendingUntil: Date;
}

/** The user's active factor, inserted once by the confirmation that won; `_id` is the user's id. */
export interface MfaFactorDocument {
  _id: string;
  factorId: string;
  sealedSecret: string;
  createdAt: Date;
  confirmedAt: Date;
}

/** A TOTP step accepted for a factor, under `_id` = `<factorId>:<step>`: of concurrent inserts of one, one wins. */
export interface MfaTotpStepDocument {
  _id: string;
  userId: string;
  factorId: string;
  step: number;
}

export const totpStepKey = (factorId: string, step: number) => `${factorId}:${String(step)}`;

/**
 * A factor's recovery codes, whole, at a place among its sets (unique with the factor): the confirmation stores
 * place 0, each replacement the next place. The set at the highest place of the active factor is the current one;
 * a code of any other set is never usable.
 */
export interface MfaRecoverySetDocument {
  _id: string;
  userId: string;
  factorId: string;
  place: number;
  createdAt: Date;
  codes: NewRecoveryCode[];
}

/** A code's use, once and for good, under `_id` = `<setId>:<lookupId>`. */
export interface MfaRecoveryCodeUseDocument {
  _id: string;
  userId: string;
  setId: string;
  usedAt: Date;
}

export const recoveryCodeUseKey = (setId: string, lookupId: string) => `${setId}:${lookupId}`;

/**
 * A set to look at again once `dueAt` has passed (`_id` is the set's id): inserted before a set is stored or
 * superseded, so one left behind by a call that failed or stopped half-way is found and deleted by the sweep.
 */
export interface MfaRecoverySetCheckDocument {
  _id: string;
  userId: string;
  dueAt: Date;
}

export interface MfaChallengeDocument {
  _id: string;
  userId: string;
  tokenHash: string;
  createdAt: Date;
  expiresAt: Date;
  deviceId: string | null;
}

/**
 * One wrong code counted against a challenge, under `_id` = `<challengeId>:<n>` for n below the cap: each count
 * takes the first free place, so no more than the cap are ever counted, and the one at the last place burns it.
 */
export interface MfaChallengeFailureDocument {
  _id: string;
  challengeId: string;
  expiresAt: Date;
}

export const challengeFailureKey = (challengeId: string, place: number) =>
  `${challengeId}:${String(place)}`;

/** A challenge's use, once and for good; `_id` is the challenge's id. */
export interface MfaChallengeUseDocument {
  _id: string;
  usedAt: Date;
  expiresAt: Date;
}

export function toPendingFactor(
  userId: string,
  document: MfaPendingFactorDocument,
): TotpFactorRecord {
  return {
    id: document.factorId,
    userId,
    sealedSecret: document.sealedSecret,
    status: 'pending',
    createdAt: document.createdAt,
    pendingUntil: document.pendingUntil,
    confirmedAt: null,
    lastUsedStep: null,
  };
}

export function toActiveFactor(
  document: MfaFactorDocument,
  lastUsedStep: number | null,
): TotpFactorRecord {
  return {
    id: document.factorId,
    userId: document._id,
    sealedSecret: document.sealedSecret,
    status: 'active',
    createdAt: document.createdAt,
    pendingUntil: null,
    confirmedAt: document.confirmedAt,
    lastUsedStep,
  };
}

export function toChallenge(document: MfaChallengeDocument, failures: number): MfaChallengeRecord {
  return {
    id: document._id,
    userId: document.userId,
    tokenHash: document.tokenHash,
    createdAt: document.createdAt,
    expiresAt: document.expiresAt,
    failures,
    usedAt: null,
    deviceId: document.deviceId,
  };
}
