// What middleware leaves on res.locals for later handlers, typed once.
import type { LiveSession } from '../storage/ports.js';
import type { AccessTokenClaims } from '../auth/tokens/token-claims.js';
import type { ErrorCode } from './error-catalogue.js';

export interface Authenticated extends LiveSession {
  claims: AccessTokenClaims;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Express declares Locals in this namespace
  namespace Express {
    interface Locals {
      requestId: string;
      /** Set by requireAccessToken on protected routes. */
      auth?: Authenticated;
      /** Set by the error handler, so the request log line names the error. */
      errorCode?: ErrorCode;
    }
  }
}
