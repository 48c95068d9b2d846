// Cookie mode's device token: the same value login returns in its body, also kept in an HttpOnly cookie scoped to the
// login path, so a browser app has nothing to store itself. Body mode has no cookie.
import type { Request, Response } from 'express';
import type { Config } from '../config/config.js';
import { prefixedCookieName, readSingleCookie } from '../http/cookies.js';
import { AUTH_BASE_PATH } from './base-path.js';

const ONE_YEAR_MS = 365 * 24 * 60 * 60 * 1000;

export interface DeviceCookie {
  /** The device token the request's cookie holds (none when two of that name arrive: an untrusted login). */
  read(req: Request): string | undefined;
  write(res: Response, deviceToken: string): void;
}

export function createDeviceCookie(config: Config): DeviceCookie {
  if (config.refreshTokens.transport === 'body') {
    return { read: () => undefined, write: () => undefined };
  }
  const { secure, sameSite } = config.refreshTokens.cookie;
  const name = prefixedCookieName('device_token', secure);
  return {
    read: (req) => {
      const cookie = readSingleCookie(req, name);
      return cookie.found ? cookie.value : undefined;
    },
    write: (res, deviceToken) => {
      res.cookie(name, deviceToken, {
        httpOnly: true,
        secure,
        sameSite,
        path: `${AUTH_BASE_PATH}/login`,
        maxAge: ONE_YEAR_MS,
      });
    },
  };
}
