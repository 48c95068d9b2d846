// Reading one cookie from a request's Cookie header, refusing ambiguity: a second cookie of the same name (a sibling
// subdomain, or a path-scoped copy, can plant one beside ours) makes the value unknowable, so it is refused rather
// than the first one taken.
import type { Request } from 'express';

export type CookieRead =
  { found: false } | { found: true; value: string } | { ambiguous: true; found: false };

export function readSingleCookie(req: Request, name: string): CookieRead {
  const values: string[] = [];
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const separator = part.indexOf('=');
    if (separator > 0 && part.slice(0, separator).trim() === name) {
      values.push(part.slice(separator + 1).trim());
    }
  }
  if (values.length > 1) return { ambiguous: true, found: false };
  const [value] = values;
  return value === undefined || value === '' ? { found: false } : { found: true, value };
}

/**
 * The name a cookie is set under: `__Secure-` where the cookie is Secure, so a browser accepts it only over HTTPS
 * and never from a sibling's plain-HTTP answer (`__Host-` would also need Path=/, which scoped cookies do not have).
 */
export const prefixedCookieName = (base: string, secure: boolean) =>
  secure ? `__Secure-${base}` : base;
