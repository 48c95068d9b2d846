// What the access-token guard leaves on res.locals for the handlers of protected operations.
import type { Response } from 'express';
import type { LiveSession } from '../storage/ports/session-store.js';
import type { AccessTokenClaims } from './tokens/token-claims.js';

export interface Authenticated extends LiveSession {
  claims: AccessTokenClaims;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Express declares Locals in this namespace
  namespace Express {
    interface Locals {
      /** Set by requireAccessToken on protected operations. */
      auth?: Authenticated;
    }
  }
}

/** What the access-token guard proved, for a handler behind it; throws when mounted without the guard (a bug). */
export function authenticatedCaller(res: Response): Authenticated {
  const { auth } = res.locals;
  if (!auth) throw new Error('a protected operation is mounted without the access-token guard');
  return auth;
}
