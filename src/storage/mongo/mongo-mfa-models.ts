// Mongoose schemas and models of the second factor (mongo-mfa-documents.ts), with the indexes each lookup and
// guarantee relies on; only what MongoDB 6+ and FerretDB 1.24 both serve (no partial, sparse or TTL index).
import { Schema, type Connection } from 'mongoose';
import type {
  MfaChallengeDocument,
  MfaChallengeFailureDocument,
  MfaChallengeUseDocument,
  MfaFactorDocument,
  MfaPendingFactorDocument,
  MfaRecoveryCodeUseDocument,
  MfaRecoverySetCheckDocument,
  MfaRecoverySetDocument,
  MfaTotpStepDocument,
} from './mongo-mfa-documents.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const UUID_SOURCE = UUID.source.slice(1, -1);

// As in mongo-models.ts: unknown fields are an error, no buffering while disconnected, indexes built by the set-up.
const options = {
  versionKey: false,
  id: false,
  strict: 'throw',
  strictQuery: 'throw',
  bufferCommands: false,
  autoIndex: false,
} as const;

const id = { type: String, required: true, match: UUID };
const requiredDate = { type: Date, required: true };
const integer = {
  type: Number,
  required: true,
  min: 0,
  validate: { validator: Number.isSafeInteger, message: '{PATH} must be an integer' },
};
/** A value sealed by src/sealing/sealed-box.ts: version, key id and parts, base64url, dot-separated. */
const sealedSecret = {
  type: String,
  required: true,
  maxlength: 1024,
  match: /^[\w-]+(\.[\w-]+)+$/,
};
/** SHA-256 in base64url, unpadded. */
const tokenHash = { type: String, required: true, match: /^[A-Za-z0-9_-]{43}$/ };
/** `<uuid>:<suffix>`: the keys of the insert-only records. */
const keyOf = (suffix: string) => ({
  type: String,
  required: true,
  maxlength: 120,
  match: new RegExp(`^${UUID_SOURCE}:${suffix}$`),
});

export const mfaPendingFactorSchema = new Schema<MfaPendingFactorDocument>(
  { _id: id, factorId: id, sealedSecret, createdAt: requiredDate, pendingUntil: requiredDate },
  { ...options, collection: 'mfa_pending_factors' },
);
mfaPendingFactorSchema.index({ pendingUntil: 1 }, { name: 'mfa_pending_factors_until' });

export const mfaFactorSchema = new Schema<MfaFactorDocument>(
  { _id: id, factorId: id, sealedSecret, createdAt: requiredDate, confirmedAt: requiredDate },
  { ...options, collection: 'mfa_factors' },
);

export const mfaTotpStepSchema = new Schema<MfaTotpStepDocument>(
  { _id: keyOf('\\d+'), userId: id, factorId: id, step: integer },
  { ...options, collection: 'mfa_totp_steps' },
);
mfaTotpStepSchema.index({ factorId: 1, step: 1 }, { name: 'mfa_totp_steps_factor' });
mfaTotpStepSchema.index({ userId: 1 }, { name: 'mfa_totp_steps_user' });

const recoveryCode = new Schema(
  {
    lookupId: { type: String, required: true, minlength: 1, maxlength: 32, match: /^[\w-]+$/ },
    codeHash: { type: String, required: true, match: /^\$2[aby]\$\d{2}\$.{53}$/ },
  },
  { _id: false, strict: 'throw' },
);

export const mfaRecoverySetSchema = new Schema<MfaRecoverySetDocument>(
  {
    _id: id,
    userId: id,
    factorId: id,
    place: integer,
    createdAt: requiredDate,
    codes: { type: [recoveryCode], required: true },
  },
  { ...options, collection: 'mfa_recovery_sets' },
);
// One set per place of a factor: what orders replacements, and decides among concurrent confirmations of one factor.
mfaRecoverySetSchema.index(
  { factorId: 1, place: 1 },
  { unique: true, name: 'mfa_recovery_sets_place' },
);
mfaRecoverySetSchema.index({ userId: 1 }, { name: 'mfa_recovery_sets_user' });

export const mfaRecoveryCodeUseSchema = new Schema<MfaRecoveryCodeUseDocument>(
  { _id: keyOf('[\\w-]{1,32}'), userId: id, setId: id, usedAt: requiredDate },
  { ...options, collection: 'mfa_recovery_code_uses' },
);
mfaRecoveryCodeUseSchema.index({ setId: 1 }, { name: 'mfa_recovery_code_uses_set' });
mfaRecoveryCodeUseSchema.index({ userId: 1 }, { name: 'mfa_recovery_code_uses_user' });

export const mfaRecoverySetCheckSchema = new Schema<MfaRecoverySetCheckDocument>(
  { _id: id, userId: id, dueAt: requiredDate },
  { ...options, collection: 'mfa_recovery_set_checks' },
);
mfaRecoverySetCheckSchema.index({ dueAt: 1 }, { name: 'mfa_recovery_set_checks_due' });
mfaRecoverySetCheckSchema.index({ userId: 1 }, { name: 'mfa_recovery_set_checks_user' });

export const mfaChallengeSchema = new Schema<MfaChallengeDocument>(
  {
    _id: id,
    userId: id,
    tokenHash,
    createdAt: requiredDate,
    expiresAt: requiredDate,
    // A device token's id (src/auth/device-tokens.ts): base64url.
    deviceId: { type: String, maxlength: 64, match: /^[\w-]+$/, default: null },
  },
  { ...options, collection: 'mfa_challenges' },
);
mfaChallengeSchema.index({ tokenHash: 1 }, { unique: true, name: 'mfa_challenges_hash' });
mfaChallengeSchema.index({ expiresAt: 1 }, { name: 'mfa_challenges_expires' });

export const mfaChallengeFailureSchema = new Schema<MfaChallengeFailureDocument>(
  { _id: keyOf('\\d+'), challengeId: id, expiresAt: requiredDate },
  { ...options, collection: 'mfa_challenge_failures' },
);
mfaChallengeFailureSchema.index({ challengeId: 1 }, { name: 'mfa_challenge_failures_challenge' });
mfaChallengeFailureSchema.index({ expiresAt: 1 }, { name: 'mfa_challenge_failures_expires' });

export const mfaChallengeUseSchema = new Schema<MfaChallengeUseDocument>(
  { _id: id, usedAt: requiredDate, expiresAt: requiredDate },
  { ...options, collection: 'mfa_challenge_uses' },
);
mfaChallengeUseSchema.index({ expiresAt: 1 }, { name: 'mfa_challenge_uses_expires' });

export function createMfaModels(connection: Connection) {
  return {
    mfaPendingFactors: connection.model('MfaPendingFactor', mfaPendingFactorSchema),
    mfaFactors: connection.model('MfaFactor', mfaFactorSchema),
    mfaTotpSteps: connection.model('MfaTotpStep', mfaTotpStepSchema),
    mfaRecoverySets: connection.model('MfaRecoverySet', mfaRecoverySetSchema),
    mfaRecoveryCodeUses: connection.model('MfaRecoveryCodeUse', mfaRecoveryCodeUseSchema),
    mfaRecoverySetChecks: connection.model('MfaRecoverySetCheck', mfaRecoverySetCheckSchema),
    mfaChallenges: connection.model('MfaChallenge', mfaChallengeSchema),
    mfaChallengeFailures: connection.model('MfaChallengeFailure', mfaChallengeFailureSchema),
    mfaChallengeUses: connection.model('MfaChallengeUse', mfaChallengeUseSchema),
  };
}

/** The indexes requests rely on, beyond `_id` (mongo-setup.ts refuses a start without them). */
export const MFA_REQUIRED_INDEXES: Record<string, string[]> = {
  mfa_pending_factors: ['mfa_pending_factors_until'],
  mfa_totp_steps: ['mfa_totp_steps_factor', 'mfa_totp_steps_user'],
  mfa_recovery_sets: ['mfa_recovery_sets_place', 'mfa_recovery_sets_user'],
  mfa_recovery_code_uses: ['mfa_recovery_code_uses_set', 'mfa_recovery_code_uses_user'],
  mfa_recovery_set_checks: ['mfa_recovery_set_checks_due', 'mfa_recovery_set_checks_user'],
  mfa_challenges: ['mfa_challenges_hash', 'mfa_challenges_expires'],
  mfa_challenge_failures: ['mfa_challenge_failures_challenge', 'mfa_challenge_failures_expires'],
  mfa_challenge_uses: ['mfa_challenge_uses_expires'],
};
