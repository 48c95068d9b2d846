// Guards protected operations: a Bearer access token of a live session, or 401 with an RFC 6750 challenge. What the
// token proved is left on res.locals.auth for the handler. The optional variant lets a request without Bearer
// credentials through unauthenticated (an operation that also serves anonymous callers), but never a bad token: a
// client that sends one is told, rather than silently served as nobody.
import { AppError } from '../errors/app-error.js';
import type { Guard } from '../http/operation.js';
import type { AuthService } from './auth-service.js';

const REALM = 'auth-api';
const BEARER_SCHEME = /^Bearer\s+\S/i;
const BEARER_CREDENTIALS = /^Bearer +([^\s]+) *$/i;

export function accessTokenGuard(
  auth: Pick<AuthService, 'authenticate'>,
  options: { optional?: boolean } = {},
): Guard {
  const optional = options.optional === true;
  return {
    scheme: {
      name: 'bearerAuth',
      definition: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description:
          'The access token from login or refresh. It works only while its session is live.',
      },
    },
    errors: [
      ...(optional ? [] : (['TOKEN_MISSING'] as const)),
      'TOKEN_INVALID',
      'TOKEN_EXPIRED',
      'SESSION_REVOKED',
    ],
    challenges: true,
    optional,
    check: async (req, res, next) => {
      const header = req.get('authorization') ?? '';
      if (!BEARER_SCHEME.test(header)) {
        if (optional) {
          next();
          return;
        }
        // No Bearer credentials at all: the challenge names only the scheme (RFC 6750 §3.1).
        throw new AppError('TOKEN_MISSING', {
          headers: { 'WWW-Authenticate': `Bearer realm="${REALM}"` },
        });
      }
      // A Bearer header that does not hold exactly one token is an invalid token, not a missing one.
      const token = BEARER_CREDENTIALS.exec(header)?.[1] ?? '';
      try {
        res.locals.auth = await auth.authenticate(token);
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        throw new AppError(error.code, {
          ...(error.reason === undefined ? {} : { reason: error.reason }),
          headers: {
            'WWW-Authenticate': `Bearer realm="${REALM}", error="invalid_token", error_description="${error.message}"`,
          },
        });
      }
      next();
    },
  };
}
