// Removes secrets from anything about to be logged: by key name at any depth, and by shape inside strings.

const SECRET_KEYS = new Set([
  'authorization',
  'cookie',
  'set-cookie',
  'password',
  'currentpassword',
  'newpassword',
  'passwordhash',
  'password_hash',
  'refreshtoken',
  'accesstoken',
  'token',
  'secret',
]);

// A JWT (three base64url parts, the first a JSON header) and a bcrypt hash, wherever they appear in text.
const JWT_SHAPE = /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*/g;
const BCRYPT_SHAPE = /\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}/g;
const MAX_DEPTH = 8;

export const REDACTED = '[Redacted]';

export function isSecretKey(key: string): boolean {
  return SECRET_KEYS.has(key.toLowerCase());
}

export function scrubSecretShapes(text: string): string {
  if (!text.includes('eyJ') && !text.includes('$2')) return text;
  return text.replace(JWT_SHAPE, REDACTED).replace(BCRYPT_SHAPE, REDACTED);
}

/** A copy of `value` with secret fields replaced; Errors are left to the logger's error serializer. */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubSecretShapes(value);
  if (value === null || typeof value !== 'object' || value instanceof Error) return value;
  if (depth >= MAX_DEPTH) return '[Too deep]';
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item, depth + 1));
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    copy[key] = isSecretKey(key) ? REDACTED : redactSecrets(item, depth + 1);
  }
  return copy;
}
