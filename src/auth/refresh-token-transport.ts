// How refresh tokens travel: in the JSON body (any client), or in an HttpOnly cookie that page scripts cannot read
// (browser apps). In cookie mode the cookie-authenticated endpoints are protected against CSRF as OWASP describes:
// the Origin must be allowed and the request must carry X-Requested-With, which a cross-site form cannot send and a
// cross-site script cannot send without a preflight that CORS refuses.
import type { Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import { emptyBody, refreshBody } from './auth-schemas.js';
import type { TokenPair } from './token-pair.js';
import type { Config } from '../config/config.js';
import { AppError } from '../errors/app-error.js';

export const REFRESH_COOKIE = 'refresh_token';
/** Only the auth routes ever receive the cookie. */
const COOKIE_PATH = '/api/auth';

export interface RefreshTokenTransport {
  readonly mode: Config['refreshTokens']['transport'];
  /** What refresh and logout accept as a body. */
  readonly bodySchema: z.ZodType<{ refreshToken?: string }>;
  /** Refused unless the request may use the cookie (a no-op in body mode). */
  readonly csrfCheck: RequestHandler;
  /** The refresh token this request presents. */
  readToken(req: Request, body: { refreshToken?: string }): string;
  /** The response data for a new pair: in cookie mode the refresh token goes into the cookie instead. */
  deliver(res: Response, pair: TokenPair): Partial<TokenPair>;
  clear(res: Response): void;
}

export function createRefreshTokenTransport(config: Config): RefreshTokenTransport {
  const { transport, cookie } = config.refreshTokens;
  if (transport === 'body') {
    return {
      mode: 'body',
      bodySchema: refreshBody,
      csrfCheck: (_req, _res, next) => {
        next();
      },
      readToken: (_req, body) => body.refreshToken ?? '',
      deliver: (_res, pair) => pair,
      clear: () => undefined,
    };
  }

  const allowedOrigins = new Set(config.http.corsOrigins);
  const cookieOptions = {
    httpOnly: true,
    secure: cookie.secure,
    sameSite: cookie.sameSite,
    path: COOKIE_PATH,
  } as const;

  return {
    mode: 'cookie',
    bodySchema: emptyBody,
    csrfCheck: (req, _res, next) => {
      const origin = req.get('origin');
      const ownOrigin = `${req.protocol}://${req.get('host') ?? ''}`;
      const originAllowed =
        origin !== undefined && (origin === ownOrigin || allowedOrigins.has(origin));
      if (!originAllowed || req.get('x-requested-with') !== 'XMLHttpRequest') {
        throw new AppError('CSRF_CHECK_FAILED');
      }
      next();
    },
    readToken: (req) => {
      const token = readCookie(req.get('cookie'), REFRESH_COOKIE);
      if (token === undefined || token === '') {
        throw new AppError('REFRESH_TOKEN_INVALID', {
          message: 'The refresh token cookie is missing.',
        });
      }
      return token;
    },
    deliver: (res, { refreshToken, ...rest }) => {
      res.cookie(REFRESH_COOKIE, refreshToken, {
        ...cookieOptions,
        maxAge: rest.refreshExpiresIn * 1000,
      });
      return rest;
    },
    clear: (res) => {
      res.clearCookie(REFRESH_COOKIE, cookieOptions);
    },
  };
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const separator = part.indexOf('=');
    if (separator > 0 && part.slice(0, separator).trim() === name) {
      return part.slice(separator + 1).trim();
    }
  }
  return undefined;
}
