// HTTP in, HTTP out for the email-address routes. A request for a link is answered the same whatever the address
// and whatever became of it (no account, already verified, taken, cooled down): nothing in the answer says which.
import type { Request, Response } from 'express';
import { clientContext } from '../auth/client-context.js';
import { toPublicUser } from '../auth/public-user.js';
import { AppError } from '../errors/app-error.js';
import type { EmailChangeService } from './email-change-service.js';
import type { EmailVerificationService } from './email-verification-service.js';
import type { ChangeEmailInput, ResendVerificationInput } from './recovery-schemas.js';

export const RESEND_MESSAGE =
  'If the address has an account that is not verified yet, a link to verify it is on its way. It works once, ' +
  'for a limited time.';

export const CHANGE_MESSAGE =
  'If the new address can be used, a link to confirm the change is on its way to it. The account keeps its ' +
  'address until the link is opened.';

/** One way to name whom to mail: the access token's account, or an address, never both and never neither. */
function refuseAmbiguousTarget(signedIn: boolean, email: string | undefined): void {
  if (signedIn === (email === undefined)) return;
  const message = signedIn
    ? 'Send either an access token or an email, not both.'
    : 'Email is required without an access token.';
  throw new AppError('VALIDATION_ERROR', {
    message: `Invalid request: email: ${message}`,
    details: [{ path: 'email', message }],
  });
}

export function createEmailController(
  verification: EmailVerificationService,
  change: EmailChangeService,
) {
  return {
    verifyEmail: async ({ body }: { body: { token: string } }, req: Request, res: Response) => {
      const user = await verification.verify(body.token, clientContext(req, res));
      res.json({
        success: true,
        message: 'Your email address is verified.',
        data: { user: toPublicUser(user) },
      });
    },

    resendVerification: async (
      { body }: { body: ResendVerificationInput },
      _req: Request,
      res: Response,
    ) => {
      const caller = res.locals.auth?.user;
      refuseAmbiguousTarget(caller !== undefined, body.email);
      if (caller) await verification.resendToCaller(caller);
      else if (body.email !== undefined) await verification.resendToAddress(body.email);
      res.status(202).json({ success: true, message: RESEND_MESSAGE, data: {} });
    },

    changeEmail: async ({ body }: { body: ChangeEmailInput }, req: Request, res: Response) => {
      const caller = res.locals.auth;
      if (!caller) throw new Error('the email change is mounted without the access-token guard');
      await change.requestChange(caller, body, clientContext(req, res));
      res.status(202).json({ success: true, message: CHANGE_MESSAGE, data: {} });
    },

    confirmEmailChange: async (
      { body }: { body: { token: string } },
      req: Request,
      res: Response,
    ) => {
      const user = await change.confirmChange(body.token, res.locals.auth, clientContext(req, res));
      res.json({
        success: true,
        message: 'Your email address was changed, and every other session has ended.',
        data: { user: toPublicUser(user) },
      });
    },
  };
}

export type EmailController = ReturnType<typeof createEmailController>;
