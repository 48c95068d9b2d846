// What the access-token guard leaves on res.locals for the handlers of protected operations.
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
