// The rules a new password must meet. Kept apart from the schema so every place that sets a password shares them.
import { BCRYPT_MAX_PASSWORD_BYTES } from './password-hasher.js';

export const PASSWORD_MIN_LENGTH = 8;

/**
 * C0 and C1 controls and DEL. NUL above all: many bcrypt implementations stop reading at it, so with any of them
 * "secret\0anything" would hash as "secret"; and no keyboard types the others into a password field reliably.
 */
const CONTROL_CHARACTER = /\p{Cc}/u;
export const CONTROL_CHARACTER_PROBLEM = 'Password must not contain control characters.';

export function containsControlCharacter(password: string): boolean {
  return CONTROL_CHARACTER.test(password);
}

/** What is wrong with a new password (in NFC), one sentence per broken rule; empty when it is acceptable. */
export function passwordPolicyProblems(password: string): string[] {
  const problems: string[] = [];
  if (countCodePoints(password) < PASSWORD_MIN_LENGTH) {
    problems.push(`Password must be at least ${PASSWORD_MIN_LENGTH} characters.`);
  }
  // Refused rather than truncated: bcrypt would ignore everything past byte 72.
  if (exceedsBcryptLimit(password)) {
    problems.push(`Password must be at most ${BCRYPT_MAX_PASSWORD_BYTES} bytes (UTF-8).`);
  }
  if (containsControlCharacter(password)) problems.push(CONTROL_CHARACTER_PROBLEM);
  if (!/\p{L}/u.test(password)) problems.push('Password must contain a letter.');
  if (!/\p{N}/u.test(password)) problems.push('Password must contain a digit.');
  if (!/[^\p{L}\p{N}\s]/u.test(password)) problems.push('Password must contain a symbol.');
  return problems;
}

/** Characters as Unicode counts them (code points), not UTF-16 units: an emoji is one, not two. */
function countCodePoints(text: string): number {
  return text.length - (text.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g)?.length ?? 0);
}

export function exceedsBcryptLimit(password: string): boolean {
  return Buffer.byteLength(password, 'utf8') > BCRYPT_MAX_PASSWORD_BYTES;
}
