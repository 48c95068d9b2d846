// The mfaToken a password-only login hands back: 32 random bytes behind a prefix that says what it is (and that it
// is no JWT: it is useless as a Bearer or refresh token). Only its SHA-256 is stored.
import { createHash, randomBytes } from 'node:crypto';

const PREFIX = 'mfa_';
const SHAPE = /^mfa_[A-Za-z0-9_-]{43}$/;

export function newMfaToken(): { token: string; tokenHash: string } {
  const token = `${PREFIX}${randomBytes(32).toString('base64url')}`;
  return { token, tokenHash: sha256(token) };
}

const sha256 = (token: string) => createHash('sha256').update(token).digest('base64url');

/** The stored form; undefined for anything not shaped like one of ours (looked up nowhere). */
export function hashMfaToken(token: string): string | undefined {
  return SHAPE.test(token) ? sha256(token) : undefined;
}
