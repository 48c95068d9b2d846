// Guards protected routes: a Bearer access token of a live session, or 401 with an RFC 6750 challenge.
import type { RequestHandler } from 'express';
import type { AuthService } from '../auth/auth-service.js';
import { AppError } from './app-error.js';

const REALM = 'auth-api';
const BEARER = /^Bearer +([^ ]*) *$/i;

export function requireAccessToken(auth: Pick<AuthService, 'authenticate'>): RequestHandler {
  return async (req, res, next) => {
    const header = req.get('authorization');
    const match = header === undefined ? null : BEARER.exec(header);
    if (!match) {
      // No credentials: the challenge names only the scheme (RFC 6750 §3.1).
      throw new AppError('TOKEN_MISSING', {
        headers: { 'WWW-Authenticate': `Bearer realm="${REALM}"` },
      });
    }
    try {
      res.locals.auth = await auth.authenticate(match[1] ?? '');
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      throw new AppError(error.code, {
        headers: {
          'WWW-Authenticate': `Bearer realm="${REALM}", error="invalid_token", error_description="${error.message}"`,
        },
      });
    }
    next();
  };
}
