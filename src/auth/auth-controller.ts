// HTTP in, HTTP out for sign-up, sign-in and tokens: call one service function with the validated request, shape
// the response. Validation happens before, as the operation table declares (sign-in-operations.ts).
import type { Request, Response } from 'express';
import { AppError } from '../errors/app-error.js';
import type { LoginInput, RegisterInput } from './auth-schemas.js';
import type { AuthService } from './auth-service.js';
import { clientContext } from './client-context.js';
import type { DeviceCookie } from './device-cookie.js';
import { toPublicUser } from './public-user.js';
import type { RefreshTokenTransport } from './refresh-token-transport.js';
import type { SignedInResponse } from './signed-in-response.js';

type RefreshTokenBody = { body: { refreshToken?: string } };

export function createAuthController(
  auth: AuthService,
  transport: RefreshTokenTransport,
  deviceCookie: DeviceCookie,
  signedIn: SignedInResponse,
) {
  return {
    register: async ({ body }: { body: RegisterInput }, req: Request, res: Response) => {
      const user = await auth.register(body, clientContext(req, res));
      res
        .status(201)
        .json({ success: true, message: 'Account created.', data: { user: toPublicUser(user) } });
    },

    login: async ({ body }: { body: LoginInput }, req: Request, res: Response) => {
      const presented = body.deviceToken ?? deviceCookie.read(req);
      const login = await auth.login({ ...body, deviceToken: presented }, clientContext(req, res));
      if ('mfaRequired' in login) {
        res.json({ success: true, data: login.mfaRequired });
        return;
      }
      signedIn.send(res, login.signedIn);
    },

    refresh: async ({ body }: RefreshTokenBody, req: Request, res: Response) => {
      try {
        const tokens = await auth.refresh(transport.readToken(req, body), clientContext(req, res));
        res.json({ success: true, data: transport.deliver(res, tokens) });
      } catch (error) {
        // A refused refresh token is of no further use: drop the cookie that holds it.
        if (error instanceof AppError && error.status === 401) transport.clear(res);
        throw error;
      }
    },

    logout: async ({ body }: RefreshTokenBody, req: Request, res: Response) => {
      // Read first: a request presenting two refresh cookies is refused before anything changes, ours included.
      const refreshToken = transport.readToken(req, body);
      // Then cleared whatever the outcome: a client asking to log out should not keep the cookie.
      transport.clear(res);
      await auth.logout(refreshToken, clientContext(req, res));
      res.json({ success: true, message: 'Logged out.', data: {} });
    },
  };
}

export type AuthController = ReturnType<typeof createAuthController>;
