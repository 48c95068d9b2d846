// The one-time tokens recovery links carry: 32 random bytes (256 bits: no guessing, however many are live), base64url,
// behind a prefix naming the purpose, so a token pasted into the wrong form is recognisably wrong. Only the SHA-256
// is stored.
import { createHash, randomBytes } from 'node:crypto';
import type { OneTimeTokenPurpose } from '../storage/ports/one-time-token-store.js';

const PREFIXES: Record<OneTimeTokenPurpose, string> = {
  password_reset: 'rst_',
  email_verify: 'vfy_',
  email_change: 'chg_',
};

const TOKEN_BYTES = 32;
/** base64url of 32 bytes: 43 characters. */
const BODY = /^[A-Za-z0-9_-]{43}$/;

export const hashOneTimeToken = (token: string): string =>
  createHash('sha256').update(token).digest('base64url');

export function newOneTimeToken(purpose: OneTimeTokenPurpose): {
  token: string;
  tokenHash: string;
} {
  const token = PREFIXES[purpose] + randomBytes(TOKEN_BYTES).toString('base64url');
  return { token, tokenHash: hashOneTimeToken(token) };
}

/** Whether `token` has the shape of a token of this purpose (anything else is refused without a lookup). */
export const isOneTimeTokenOf = (purpose: OneTimeTokenPurpose, token: string): boolean =>
  token.startsWith(PREFIXES[purpose]) && BODY.test(token.slice(PREFIXES[purpose].length));
