// A real bcrypt hasher (cost 4) that counts its calls, to show that unknown emails still cost one comparison.
import {
  createBcryptHasher,
  type PasswordHasher,
} from '../../src/auth/passwords/password-hasher.js';

export interface CountingHasher extends PasswordHasher {
  calls: { hash: number; verify: number };
}

export function countingHasher(): CountingHasher {
  const real = createBcryptHasher(4);
  const calls = { hash: 0, verify: 0 };
  return {
    calls,
    hash: (password) => {
      calls.hash += 1;
      return real.hash(password);
    },
    verify: (password, hash) => {
      calls.verify += 1;
      return real.verify(password, hash);
    },
    needsRehash: (hash) => real.needsRehash(hash),
  };
}
