// Guards GET /metrics with METRICS_TOKEN as a Bearer token. Without a token configured the endpoint does not exist
// (404), so a deployment that never set one exposes nothing.
import { createHash, timingSafeEqual } from 'node:crypto';
import { AppError } from '../errors/app-error.js';
import type { Guard } from '../http/operation.js';

// Compared through hashes of equal length, in constant time: the token cannot be guessed a character at a time.
const digest = (text: string) => createHash('sha256').update(text).digest();
const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="metrics"' };

export function metricsTokenGuard(token: string | undefined): Guard {
  const expected = token === undefined ? undefined : digest(token);
  return {
    scheme: {
      name: 'metricsToken',
      definition: { type: 'http', scheme: 'bearer', description: 'The value of METRICS_TOKEN.' },
    },
    errors: ['TOKEN_MISSING', 'TOKEN_INVALID', 'NOT_FOUND'],
    challenges: true,
    check: (req, _res, next) => {
      if (expected === undefined) throw new AppError('NOT_FOUND');
      const given = /^Bearer +(\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
      if (given === undefined) {
        throw new AppError('TOKEN_MISSING', {
          message: 'The metrics token is required.',
          headers: CHALLENGE,
        });
      }
      if (!timingSafeEqual(digest(given), expected)) {
        throw new AppError('TOKEN_INVALID', {
          message: 'The metrics token is invalid.',
          headers: CHALLENGE,
        });
      }
      next();
    },
  };
}
