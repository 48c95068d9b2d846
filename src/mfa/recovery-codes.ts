// Recovery codes: ten single-use codes shown once at enrolment, for a lost authenticator. Each is 16 characters of
// an unambiguous alphabet (80 bits), written in groups of four; the first group is its lookup id, stored in clear,
// so an attempt finds its one stored bcrypt hash and costs one compare, not ten. Case, dashes and spaces are ignored
// when a code is typed back.
import { randomInt } from 'node:crypto';
import type { NewRecoveryCode } from '../storage/ports/mfa-store.js';

export const RECOVERY_CODE_COUNT = 10;
/** Crockford's base32, lower case: no i, l, o or u to misread. */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const LENGTH = 16;
const LOOKUP_LENGTH = 4;
const NORMALIZED = new RegExp(`^[${ALPHABET}]{${String(LENGTH)}}$`);

function randomCode(): string {
  return Array.from({ length: LENGTH }, () => ALPHABET.charAt(randomInt(ALPHABET.length))).join('');
}

/** `abcd-efgh-jkmn-pqrs`: how a code is shown. */
const display = (code: string) => (code.match(/.{4}/g) ?? []).join('-');

/** The code as typed, in the form it was hashed in; undefined when it cannot be one of ours. */
export function normalizeRecoveryCode(typed: string): string | undefined {
  const code = typed.replace(/[-\s]/g, '').toLowerCase();
  return NORMALIZED.test(code) ? code : undefined;
}

export const lookupIdOf = (normalized: string) => normalized.slice(0, LOOKUP_LENGTH);

/** Ten new codes: as shown to the user once, and as stored (lookup id and hash). */
export async function newRecoveryCodes(
  hash: (code: string) => Promise<string>,
): Promise<{ shown: string[]; stored: NewRecoveryCode[] }> {
  const codes = new Map<string, string>();
  // Lookup ids are unique within a set: a repeat (1 in 100,000 per pair) is drawn again.
  while (codes.size < RECOVERY_CODE_COUNT) {
    const code = randomCode();
    if (!codes.has(lookupIdOf(code))) codes.set(lookupIdOf(code), code);
  }
  const stored = await Promise.all(
    [...codes].map(async ([lookupId, code]) => ({ lookupId, codeHash: await hash(code) })),
  );
  return { shown: [...codes.values()].map(display), stored };
}
