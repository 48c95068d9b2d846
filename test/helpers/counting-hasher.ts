// A real bcrypt hasher (cost 4 unless told) that counts its calls and records which hashes it compared against: to
// show that unknown emails still cost one comparison, and how many guesses reached an account's real hash.
import {
  createBcryptHasher,
  type PasswordHasher,
} from '../../src/auth/passwords/password-hasher.js';

export interface CountingHasher extends PasswordHasher {
  calls: { hash: number; verify: number };
  /** The stored hash of every comparison, in order (a dummy hash for unknown emails and locked attempts). */
  compared: string[];
}

export function countingHasher(rounds = 4): CountingHasher {
  const real = createBcryptHasher(rounds);
  const calls = { hash: 0, verify: 0 };
  const compared: string[] = [];
  return {
    calls,
    compared,
    hash: (password) => {
      calls.hash += 1;
      return real.hash(password);
    },
    verify: (password, hash) => {
      calls.verify += 1;
      compared.push(hash);
      return real.verify(password, hash);
    },
    needsRehash: (hash) => real.needsRehash(hash),
  };
}
