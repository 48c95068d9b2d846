// Password hashing behind a small interface: native bcrypt, which runs in libuv's thread pool, off the event loop.
import bcrypt from 'bcrypt';

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, hash: string): Promise<boolean>;
  /** Whether a stored hash was made at another cost than this hasher's (then it is re-hashed at the next login). */
  needsRehash(hash: string): boolean;
}

/** bcrypt reads at most this many bytes of a password and silently ignores the rest. */
export const BCRYPT_MAX_PASSWORD_BYTES = 72;

/** The cost a bcrypt hash was made at (`$2b$12$…` → 12), or NaN for anything else. */
export function costOf(hash: string): number {
  const match = /^\$2[aby]\$(\d{2})\$/.exec(hash);
  return match ? Number(match[1]) : Number.NaN;
}

export function createBcryptHasher(rounds: number): PasswordHasher {
  return {
    hash: (password) => bcrypt.hash(password, rounds),
    verify: (password, hash) => bcrypt.compare(password, hash),
    needsRehash: (hash) => costOf(hash) !== rounds,
  };
}
