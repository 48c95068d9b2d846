// TOTP as authenticator apps speak it (RFC 6238 with the common parameters: SHA-1, 6 digits, 30 s steps), over
// otplib. A code is matched against the step before, the current one and the one after (clocks drift), and the caller
// learns which step matched, so the store can refuse that step, and every earlier one, from then on.
import { generateSecret, generateURI, verifySync } from 'otplib';

export const TOTP_PERIOD_SECONDS = 30;
const SECRET_BYTES = 20;
/** Six ASCII digits, nothing else: what the request schema lets through, checked again here. */
const CODE = /^[0-9]{6}$/;

/** A new secret: 20 random bytes, base32 (what the user's app stores). */
export function newTotpSecret(): string {
  return generateSecret({ length: SECRET_BYTES });
}

/** The URI an authenticator app reads (as a QR code or pasted): `otpauth://totp/Issuer:email?secret=…`. */
export function otpauthUri(secret: string, issuer: string, accountName: string): string {
  return generateURI({
    issuer,
    label: accountName,
    secret,
    algorithm: 'sha1',
    digits: 6,
    period: TOTP_PERIOD_SECONDS,
  });
}

/** The time step of a moment: the counter a code of that moment is computed from. */
export const totpStepAt = (epochMs: number) => Math.floor(epochMs / 1000 / TOTP_PERIOD_SECONDS);

/** The step `code` belongs to, one step either side of `epochMs`; undefined when it matches none. */
export function matchTotpCode(secret: string, code: string, epochMs: number): number | undefined {
  if (!CODE.test(code)) return undefined;
  const result = verifySync({
    secret,
    token: code,
    epoch: Math.floor(epochMs / 1000),
    period: TOTP_PERIOD_SECONDS,
    epochTolerance: TOTP_PERIOD_SECONDS,
  });
  return result.valid && 'timeStep' in result ? result.timeStep : undefined;
}
