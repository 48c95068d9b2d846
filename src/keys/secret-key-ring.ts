// Signing keys built once at start: the current secret signs, the previous one (during a rotation) only verifies.
import { createHash, createSecretKey, type KeyObject } from 'node:crypto';

export interface KeyRing {
  signing: { kid: string; key: KeyObject };
  /** Every key that may verify, by the `kid` tokens carry in their header. */
  verifying: ReadonlyMap<string, KeyObject>;
}

export function createKeyRing(secret: string, previousSecret?: string): KeyRing {
  const signing = { kid: keyId(secret), key: toKey(secret) };
  const verifying = new Map([[signing.kid, signing.key]]);
  if (previousSecret !== undefined) verifying.set(keyId(previousSecret), toKey(previousSecret));
  return { signing, verifying };
}

// A KeyObject, not the string: jsonwebtoken tries to parse a string secret as a PEM key on every call, which costs
// more than the signature itself (bench/README.md).
// The UTF-8 bytes of the value, as every JWT library reads a string secret, so other services can verify with it.
function toKey(secret: string): KeyObject {
  return createSecretKey(Buffer.from(secret, 'utf8'));
}

/** A short public name for a key: a truncated hash, which reveals nothing usable about the secret. */
export function keyId(secret: string): string {
  return createHash('sha256')
    .update('auth-api key id\0')
    .update(secret)
    .digest('base64url')
    .slice(0, 16);
}
