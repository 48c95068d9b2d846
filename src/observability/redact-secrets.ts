// Removes secrets from anything about to be logged: by key name at any depth, by shape inside strings, and from
// errors, which are reduced to a known set of fields.

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
  'devicetoken',
  'token',
  'secret',
]);

// A JWT (three base64url parts, the first a JSON header), a bcrypt hash and a device token, wherever they appear in
// text.
const JWT_SHAPE = /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*/g;
const BCRYPT_SHAPE = /\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}/g;
const DEVICE_TOKEN_SHAPE = /dvc_[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{32}/g;
const MAX_DEPTH = 8;

export const REDACTED = '[Redacted]';

export function isSecretKey(key: string): boolean {
  return SECRET_KEYS.has(key.toLowerCase());
}

export function scrubSecretShapes(text: string): string {
  if (!text.includes('eyJ') && !text.includes('$2') && !text.includes('dvc_')) return text;
  return text
    .replace(JWT_SHAPE, REDACTED)
    .replace(BCRYPT_SHAPE, REDACTED)
    .replace(DEVICE_TOKEN_SHAPE, REDACTED);
}

/** Whether text holds something shaped like a JWT, a bcrypt hash or a device token. */
export function hasSecretShape(text: string): boolean {
  return scrubSecretShapes(text) !== text;
}

/**
 * A connection URL without its user and password, for logs and messages. The credentials end at the last `@` before
 * the path, as URL parsers read them, so a password holding an unencoded `@` is removed whole.
 */
export function withoutCredentials(url: string): string {
  const authorityStart = url.indexOf('//') + 2;
  if (authorityStart < 2) return url;
  const pathStart = url.slice(authorityStart).search(/[/?#]/);
  const authorityEnd = pathStart === -1 ? url.length : authorityStart + pathStart;
  const at = url.lastIndexOf('@', authorityEnd - 1);
  return at < authorityStart ? url : url.slice(0, authorityStart) + url.slice(at + 1);
}

/**
 * An error as logs may show it: type, message, code, stack and cause only. Library errors carry extras such as
 * body-parser's raw `body`, which would put a password into the log.
 */
export function serializeError(error: unknown, depth = 0): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: scrubSecretShapes(String(error)) };
  const code = (error as { code?: unknown }).code;
  return {
    type: error.name,
    message: scrubSecretShapes(error.message),
    ...(typeof code === 'string' ? { code } : {}),
    stack: scrubSecretShapes(error.stack ?? ''),
    ...(error.cause !== undefined && depth < MAX_DEPTH
      ? { cause: serializeError(error.cause, depth + 1) }
      : {}),
  };
}

/**
 * A copy of `value` with secret fields replaced and errors reduced to their safe fields, at any depth: plain
 * objects, class instances (their own enumerable fields), arrays, Maps and Sets are all walked. Dates stay Dates;
 * binary data is not written.
 */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubSecretShapes(value);
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  if (value instanceof Error) return serializeError(value);
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return '[Binary]';
  if (depth >= MAX_DEPTH) return '[Too deep]';
  if (Array.isArray(value) || value instanceof Set) {
    return Array.from(value as Iterable<unknown>, (item) => redactSecrets(item, depth + 1));
  }
  const entries = value instanceof Map ? [...value.entries()] : Object.entries(value);
  const copy: Record<string, unknown> = {};
  for (const [key, item] of entries as Array<[unknown, unknown]>) {
    const name = String(key);
    copy[name] = isSecretKey(name) ? REDACTED : redactSecrets(item, depth + 1);
  }
  return copy;
}
