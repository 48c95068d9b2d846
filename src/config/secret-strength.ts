// What makes a secret (a JWT signing secret, the metrics bearer token) too weak to run production with: fewer than
// 32 bytes, or guessable: an estimated entropy under 96 bits once the words, repeats and runs a guesser would try
// first are counted for what they are worth (see secret-entropy.ts).
import { estimateSecretBits } from './secret-entropy.js';

export const MIN_SECRET_BYTES = 32;
/**
 * Far above what composed secrets rate (changeme-please-… 32 bits, my-super-secret-jwt-key-… 64) and below what any
 * random 128-bit value rates (the estimate reads chance runs in it as runs: 32 hex digits rate 107 to 128 bits), so
 * that no generated secret is refused by the luck of its draw.
 */
export const MIN_SECRET_BITS = 96;

export const SECRET_HINT = 'generate one with: openssl rand -base64 48';

/** Why this secret is weak, or undefined when it is acceptable. Never quotes the secret. */
export function secretWeakness(secret: string): string | undefined {
  if (Buffer.byteLength(secret, 'utf8') < MIN_SECRET_BYTES) {
    return `must be at least ${String(MIN_SECRET_BYTES)} bytes; ${SECRET_HINT}`;
  }
  const bits = Math.floor(estimateSecretBits(secret));
  if (bits < MIN_SECRET_BITS) {
    return `is guessable: about ${String(bits)} bits of entropy where ${String(MIN_SECRET_BITS)} are needed (words, repeats and runs such as 1234 or qwerty count for little); ${SECRET_HINT}`;
  }
  return undefined;
}
