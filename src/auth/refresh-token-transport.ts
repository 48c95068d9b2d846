// How refresh tokens travel: in the JSON body (any client), or in an HttpOnly cookie that page scripts cannot read
// (browser apps). In cookie mode the cookie-authenticated endpoints are protected against CSRF as OWASP describes:
// the Origin must be allowed and the request must carry X-Requested-With, which a cross-site form cannot send and a
// cross-site script cannot send without a preflight that CORS refuses.
import type { Request, Response } from 'express';
import type { z } from 'zod';
import type { Config } from '../config/config.js';
import { AppError } from '../errors/app-error.js';
import type { Guard, HeaderDescription } from '../http/operation.js';
import { emptyBody, refreshBody } from './auth-schemas.js';
import { AUTH_BASE_PATH } from './base-path.js';
import type { TokenPair } from './token-pair.js';

export const REFRESH_COOKIE = 'refresh_token';

export interface RefreshTokenTransport {
  readonly mode: Config['refreshTokens']['transport'];
  /** What refresh and logout accept as a body. */
  readonly bodySchema: z.ZodType<{ refreshToken?: string }>;
  /** What refresh and logout require of the caller beyond the token: the CSRF check in cookie mode; none in body mode. */
  readonly guard: Guard | undefined;
  /** The header that sets or clears the cookie, on the answers that do (cookie mode only). */
  readonly cookieHeader: HeaderDescription | undefined;
  /** The refresh token this request presents. */
  readToken(req: Request, body: { refreshToken?: string }): string;
  /** The response data for a new pair: in cookie mode the refresh token goes into the cookie instead. */
  deliver(res: Response, pair: TokenPair): Partial<TokenPair>;
  clear(res: Response): void;
}

export function createRefreshTokenTransport(config: Config): RefreshTokenTransport {
  if (config.refreshTokens.transport === 'body') {
    return {
      mode: 'body',
      bodySchema: refreshBody,
      guard: undefined,
      cookieHeader: undefined,
      readToken: (_req, body) => body.refreshToken ?? '',
      deliver: (_res, pair) => pair,
      clear: () => undefined,
    };
  }
  const cookieOptions = {
    httpOnly: true,
    secure: config.refreshTokens.cookie.secure,
    sameSite: config.refreshTokens.cookie.sameSite,
    // Only the auth operations ever receive the cookie.
    path: AUTH_BASE_PATH,
  } as const;

  return {
    mode: 'cookie',
    bodySchema: emptyBody,
    guard: csrfGuard(new Set(config.http.corsOrigins)),
    cookieHeader: {
      component: 'SetRefreshCookie',
      name: 'Set-Cookie',
      description: `Sets (or clears) the \`${REFRESH_COOKIE}\` cookie: HttpOnly, Path=${AUTH_BASE_PATH}, SameSite as configured.`,
      schema: { type: 'string' },
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

/** Cookie mode's refresh and logout: the cookie is the credential, accepted only from an allowed page's script. */
function csrfGuard(allowedOrigins: ReadonlySet<string>): Guard {
  return {
    scheme: {
      name: 'refreshCookie',
      definition: {
        type: 'apiKey',
        in: 'cookie',
        name: REFRESH_COOKIE,
        description: 'The HttpOnly refresh-token cookie login and refresh set (cookie mode).',
      },
    },
    errors: ['CSRF_CHECK_FAILED'],
    challenges: false,
    headers: [
      {
        component: 'XRequestedWith',
        parameter: {
          name: 'X-Requested-With',
          in: 'header',
          required: true,
          description:
            'Cookie mode CSRF defence: a cross-site form cannot send it. The `Origin` must also be allowed.',
          schema: { type: 'string', const: 'XMLHttpRequest' },
        },
      },
    ],
    check: (req, _res, next) => {
      const origin = req.get('origin');
      const ownOrigin = `${req.protocol}://${req.get('host') ?? ''}`;
      const originAllowed =
        origin !== undefined && (origin === ownOrigin || allowedOrigins.has(origin));
      if (!originAllowed || req.get('x-requested-with') !== 'XMLHttpRequest') {
        throw new AppError('CSRF_CHECK_FAILED');
      }
      next();
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
