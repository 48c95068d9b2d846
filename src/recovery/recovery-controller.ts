// HTTP in, HTTP out for account recovery. The answer to a reset request is the same for every address: nothing in
// it, its status or its headers says whether an account exists.
import type { Request, Response } from 'express';
import { clientContext } from '../auth/client-context.js';
import type { PasswordResetService } from './password-reset-service.js';
import type { ResetPasswordInput } from './recovery-schemas.js';

export const FORGOT_MESSAGE =
  'If an account has this address, a link to reset its password is on its way. It works once, for a limited time.';

export function createRecoveryController(passwordReset: PasswordResetService) {
  return {
    forgotPassword: async ({ body }: { body: { email: string } }, req: Request, res: Response) => {
      await passwordReset.requestReset(body.email, clientContext(req, res));
      res.status(202).json({ success: true, message: FORGOT_MESSAGE, data: {} });
    },

    resetPassword: async ({ body }: { body: ResetPasswordInput }, req: Request, res: Response) => {
      await passwordReset.resetPassword(body, clientContext(req, res));
      res.json({
        success: true,
        message: 'Your password was reset and every session ended. Sign in with the new password.',
        data: {},
      });
    },
  };
}

export type RecoveryController = ReturnType<typeof createRecoveryController>;
