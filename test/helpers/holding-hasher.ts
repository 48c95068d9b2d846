// A real bcrypt hasher (cost 4 unless told) whose next comparison can be held open: to keep one check in flight, at a
// known point, while other requests run (a right recovery code still being compared while wrong codes come).
import {
  createBcryptHasher,
  type PasswordHasher,
} from '../../src/auth/passwords/password-hasher.js';

export interface HoldingHasher extends PasswordHasher {
  /** Holds the next comparison once it has run; resolves then, with the function that lets it return. */
  holdNextVerify(): Promise<() => void>;
}

export function holdingHasher(rounds = 4): HoldingHasher {
  const real = createBcryptHasher(rounds);
  let held: ((release: () => void) => void) | undefined;
  return {
    hash: (password) => real.hash(password),
    needsRehash: (hash) => real.needsRehash(hash),
    async verify(password, hash) {
      const result = await real.verify(password, hash);
      const holder = held;
      held = undefined;
      if (holder) {
        await new Promise<void>((release) => {
          holder(release);
        });
      }
      return result;
    },
    holdNextVerify: () =>
      new Promise((began) => {
        held = began;
      }),
  };
}
