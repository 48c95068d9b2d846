// Password hashing behind a small interface: native bcrypt, which runs in libuv's thread pool, off the event loop.
import bcrypt from 'bcrypt';

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, hash: string): Promise<boolean>;
}

/** bcrypt reads at most this many bytes of a password and silently ignores the rest. */
export const BCRYPT_MAX_PASSWORD_BYTES = 72;

export function createBcryptHasher(rounds: number): PasswordHasher {
  return {
    hash: (password) => bcrypt.hash(password, rounds),
    verify: (password, hash) => bcrypt.compare(password, hash),
  };
}
