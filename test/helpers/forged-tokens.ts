// Tokens an attacker might present: unsigned, re-signed, tampered with.
import jwt from 'jsonwebtoken';

const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');

export function decodePayload(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<
    string,
    unknown
  >;
}

export function decodeHeader(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()) as Record<
    string,
    unknown
  >;
}

/** The same claims and header with alg "none" and no signature. */
export function withAlgNone(token: string): string {
  return `${encode({ ...decodeHeader(token), alg: 'none' })}.${encode(decodePayload(token))}.`;
}

/** The payload changed, the original signature kept. */
export function withTamperedPayload(token: string, changes: Record<string, unknown>): string {
  const [header, , signature] = token.split('.');
  return `${header ?? ''}.${encode({ ...decodePayload(token), ...changes })}.${signature ?? ''}`;
}

/** The same claims and kid, signed anew with `secret` and `algorithm`. */
export function resigned(
  token: string,
  secret: string,
  algorithm: jwt.Algorithm = 'HS256',
  changes: Record<string, unknown> = {},
): string {
  const header = decodeHeader(token);
  return jwt.sign({ ...decodePayload(token), ...changes }, secret, {
    algorithm,
    keyid: typeof header.kid === 'string' ? header.kid : undefined,
  });
}
