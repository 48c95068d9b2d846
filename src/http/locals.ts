// What the generic middleware leaves on res.locals for later handlers, typed once. Features add their own fields
// the same way, in their own folder.
import type { ErrorCode } from '../errors/error-catalogue.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Express declares Locals in this namespace
  namespace Express {
    interface Locals {
      requestId: string;
      /** Set by the error handler, so the request log line names the error. */
      errorCode?: ErrorCode;
    }
  }
}
