// Records the second-factor contract builds its cases from: a pending factor, recovery codes and a challenge shaped
// like the service's (a sealed secret, bcrypt code hashes, a base64url token hash), each fresh per call.
import { randomBytes, randomUUID } from 'node:crypto';
import type {
  NewMfaChallenge,
  NewPendingFactor,
  NewRecoveryCode,
} from '../../src/storage/ports/mfa-store.js';
import { at } from './fixtures.js';

export const MINUTE = 60_000;
/** The failure cap the service uses (DESIGN section 11: burned after 5 wrong codes). */
export const MAX_FAILURES = 5;

const base64url = (bytes: number) => randomBytes(bytes).toString('base64url');

/** Shaped like a value of src/sealing/sealed-box.ts: version, key id, then the sealed parts. */
export const fakeSealedSecret = () =>
  `v1.${base64url(9)}.${base64url(12)}.${base64url(20)}.${base64url(16)}`;

export const fakeChallengeHash = () => base64url(32);

/** Shaped like a device token's id (src/auth/device-tokens.ts). */
export const fakeDeviceId = () => base64url(12);

export function newPendingFactor(overrides: Partial<NewPendingFactor> = {}): NewPendingFactor {
  return {
    id: randomUUID(),
    userId: randomUUID(),
    sealedSecret: fakeSealedSecret(),
    createdAt: at(0),
    pendingUntil: at(10 * MINUTE),
    ...overrides,
  };
}

/**
 * `count` codes with bcrypt-shaped hashes and lookup ids distinct within the set and, all but surely, from every other
 * set a test makes (longer than the service's four characters for that reason).
 */
export function newRecoveryCodes(count = 10): NewRecoveryCode[] {
  const prefix = randomBytes(4).toString('hex');
  return Array.from({ length: count }, (_, index) => ({
    lookupId: `${prefix}${String(index).padStart(2, '0')}`,
    codeHash: `$2b$04$${randomBytes(40).toString('base64').replace(/[+=]/g, '.').slice(0, 53)}`,
  }));
}

export function newChallenge(overrides: Partial<NewMfaChallenge> = {}): NewMfaChallenge {
  return {
    id: randomUUID(),
    userId: randomUUID(),
    tokenHash: fakeChallengeHash(),
    createdAt: at(0),
    expiresAt: at(5 * MINUTE),
    deviceId: null,
    ...overrides,
  };
}
