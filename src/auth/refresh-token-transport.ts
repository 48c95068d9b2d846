// How refresh tokens travel: in the JSON body (any client), or in an HttpOnly cookie that page scripts cannot read
// (browser apps). In cookie mode the cookie-authenticated endpoints are protected against CSRF as OWASP describes:
// the Origin must be allowed and the request must carry X-Requested-With, which a cross-site form cannot send and a
// cross-site script cannot send without a preflight that CORS refuses. The cookie's name is `__Secure-` prefixed
// wherever it is Secure, and a request with two cookies of that name is refused (see refreshCookieName).
import type { Request, Response } from 'express';
import type { z } from 'zod';
import type { Config } from '../config/config.js';
import { AppError } from '../errors/app-error.js';
import type { ErrorCode } from '../errors/error-catalogue.js';
import { prefixedCookieName, readSingleCookie } from '../http/cookies.js';
import type { Guard, HeaderDescription } from '../http/operation.js';
import { emptyBody, refreshBody } from './auth-schemas.js';
import { AUTH_BASE_PATH } from './base-path.js';
import type { TokenPair } from './token-pair.js';

/**
 * The refresh cookie's name. `__Secure-` wherever the cookie is Secure (always in production, see config.ts): a
 * browser then accepts a cookie of that name only from an HTTPS answer with Secure set, so a sibling subdomain served
 * over plain HTTP, or an on-path attacker injecting into one, cannot plant it, and a planted plain `refresh_token`
 * is never read. `__Host-` would also shut out a sibling's HTTPS answer (it forbids Domain), but it requires Path=/,
 * which would send the refresh token with every request to this host instead of to the auth operations only. Over
 * plain development HTTP the cookie cannot be Secure and a browser refuses prefixed names there: the plain name.
 */
export function refreshCookieName(cookie: Config['refreshTokens']['cookie']): string {
  return prefixedCookieName('refresh_token', cookie.secure);
}

export interface RefreshTokenTransport {
  readonly mode: Config['refreshTokens']['transport'];
  /** The refresh cookie's name (cookie mode only). */
  readonly cookieName: string | undefined;
  /** What refresh and logout accept as a body. */
  readonly bodySchema: z.ZodType<{ refreshToken?: string }>;
  /** What refresh and logout require of the caller beyond the token: the CSRF check in cookie mode; none in body mode. */
  readonly guard: Guard | undefined;
  /** The codes `readToken` refuses with beyond the service's: two refresh cookies (cookie mode only). */
  readonly readErrors: readonly ErrorCode[];
  /** The header that sets or clears the cookie, on the answers that do (cookie mode only). */
  readonly cookieHeader: HeaderDescription | undefined;
  /** The refresh token this request presents; throws before anything has changed when it presents none, or two. */
  readToken(req: Request, body: { refreshToken?: string }): string;
  /** The response data for a new pair: in cookie mode the refresh token goes into the cookie instead. */
  deliver(res: Response, pair: TokenPair): Partial<TokenPair>;
  clear(res: Response): void;
}

export function createRefreshTokenTransport(config: Config): RefreshTokenTransport {
  if (config.refreshTokens.transport === 'body') {
    return {
      mode: 'body',
      cookieName: undefined,
      readErrors: [],
      bodySchema: refreshBody,
      guard: undefined,
      cookieHeader: undefined,
      readToken: (_req, body) => body.refreshToken ?? '',
      deliver: (_res, pair) => pair,
      clear: () => undefined,
    };
  }
  const name = refreshCookieName(config.refreshTokens.cookie);
  const cookieOptions = {
    httpOnly: true,
    secure: config.refreshTokens.cookie.secure,
    sameSite: config.refreshTokens.cookie.sameSite,
    // Only the auth operations ever receive the cookie.
    path: AUTH_BASE_PATH,
  } as const;

  return {
    mode: 'cookie',
    cookieName: name,
    readErrors: ['BAD_REQUEST'],
    bodySchema: emptyBody,
    guard: csrfGuard(name, new Set(config.http.corsOrigins)),
    cookieHeader: {
      component: 'SetRefreshCookie',
      name: 'Set-Cookie',
      description:
        `Sets (or clears) the \`${name}\` cookie: HttpOnly, ` +
        `${cookieOptions.secure ? 'Secure, ' : ''}Path=${AUTH_BASE_PATH}, SameSite as configured.`,
      schema: { type: 'string' },
    },
    readToken: (req) => {
      const cookie = readSingleCookie(req, name);
      if ('ambiguous' in cookie) {
        // Which one is ours is unknowable (a sibling subdomain can plant one beside it, and browsers order them by
        // path, not by who set them). 400, as RFC 6750 answers a credential sent twice, not 401: a 401 says our
        // token is bad, and clearing it (as a refused refresh does) would leave the planted one in charge.
        throw new AppError('BAD_REQUEST', {
          message: `Two ${name} cookies arrived; a refresh cookie may only be sent once.`,
        });
      }
      if (!cookie.found) {
        throw new AppError('REFRESH_TOKEN_INVALID', {
          message: 'The refresh token cookie is missing.',
        });
      }
      return cookie.value;
    },
    deliver: (res, { refreshToken, ...rest }) => {
      res.cookie(name, refreshToken, {
        ...cookieOptions,
        maxAge: rest.refreshExpiresIn * 1000,
      });
      return rest;
    },
    clear: (res) => {
      res.clearCookie(name, cookieOptions);
    },
  };
}

/** Cookie mode's refresh and logout: the cookie is the credential, accepted only from an allowed page's script. */
function csrfGuard(cookieName: string, allowedOrigins: ReadonlySet<string>): Guard {
  return {
    scheme: {
      name: 'refreshCookie',
      definition: {
        type: 'apiKey',
        in: 'cookie',
        name: cookieName,
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
