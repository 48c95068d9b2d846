// HTTP in, HTTP out for the second factor: call one service function with the validated request, shape the answer.
import type { Request, Response } from 'express';
import type { SignInSteps } from '../auth/auth-feature.js';
import { authenticatedCaller as caller } from '../auth/auth-locals.js';
import { clientContext } from '../auth/client-context.js';
import type { MfaLogin } from './mfa-login.js';
import type { LoginMfaInput, PasswordAndCodeInput } from './mfa-schemas.js';
import type { MfaSettings } from './mfa-settings.js';
import type { TotpEnrolment } from './totp-enrolment.js';

export function createMfaController(deps: {
  login: MfaLogin;
  enrolment: TotpEnrolment;
  settings: MfaSettings;
  signIn: SignInSteps;
}) {
  const { login, enrolment, settings, signIn } = deps;
  return {
    loginMfa: async ({ body }: { body: LoginMfaInput }, req: Request, res: Response) => {
      signIn.response.send(res, await login.finish(body, clientContext(req, res), signIn));
    },

    status: async (_input: unknown, _req: Request, res: Response) => {
      const status = await settings.status(caller(res));
      res.json({
        success: true,
        data: { ...status, enabledAt: status.enabledAt?.toISOString() ?? null },
      });
    },

    setup: async ({ body }: { body: { password: string } }, req: Request, res: Response) => {
      const pending = await enrolment.setup(caller(res), body.password, clientContext(req, res));
      res.json({
        success: true,
        message: 'Scan the code with your authenticator app, then confirm with a code it shows.',
        data: pending,
      });
    },

    confirm: async ({ body }: { body: { code: string } }, req: Request, res: Response) => {
      const client = clientContext(req, res);
      const { recoveryCodes, tokens } = await enrolment.confirm(
        caller(res),
        body.code,
        client,
        signIn,
      );
      res.json({
        success: true,
        message:
          'Two-step sign-in is on. Every session was signed out; this answer holds your new one.',
        data: { recoveryCodes, ...signIn.response.deliver(res, tokens) },
      });
    },

    disable: async ({ body }: { body: PasswordAndCodeInput }, req: Request, res: Response) => {
      await settings.disable(caller(res), body, clientContext(req, res));
      res.json({
        success: true,
        message: 'Two-step sign-in is off. Every other session was signed out.',
        data: {},
      });
    },

    regenerate: async ({ body }: { body: PasswordAndCodeInput }, req: Request, res: Response) => {
      const recoveryCodes = await settings.regenerateRecoveryCodes(
        caller(res),
        body,
        clientContext(req, res),
      );
      res.json({
        success: true,
        message: 'New recovery codes; the old ones no longer work.',
        data: { recoveryCodes },
      });
    },
  };
}

export type MfaController = ReturnType<typeof createMfaController>;
