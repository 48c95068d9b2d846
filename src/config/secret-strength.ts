// What makes a JWT secret too weak to run production with.

export const MIN_SECRET_BYTES = 32;
const MIN_DISTINCT_CHARACTERS = 10;

export const SECRET_HINT = 'generate one with: openssl rand -base64 48';

/** Why this secret is weak, or undefined when it is acceptable. */
export function secretWeakness(secret: string): string | undefined {
  if (Buffer.byteLength(secret, 'utf8') < MIN_SECRET_BYTES) {
    return `must be at least ${MIN_SECRET_BYTES} bytes; ${SECRET_HINT}`;
  }
  if (new Set(secret).size < MIN_DISTINCT_CHARACTERS) {
    return `is too repetitive to be a secret; ${SECRET_HINT}`;
  }
  return undefined;
}
