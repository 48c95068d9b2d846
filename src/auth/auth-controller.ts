// HTTP in, HTTP out for sign-up, sign-in and tokens: validate, call one service function, shape the response.
import type { Request, Response } from 'express';
import { AppError } from '../errors/app-error.js';
import { clientContext } from './client-context.js';
import type { RefreshTokenTransport } from './refresh-token-transport.js';
import { parseRequest } from '../http/validate.js';
import type { AuthService } from './auth-service.js';
import { loginBody, registerBody } from './auth-schemas.js';
import { toPublicUser } from './public-user.js';

export function createAuthController(auth: AuthService, transport: RefreshTokenTransport) {
  return {
    register: async (req: Request, res: Response) => {
      const { body } = parseRequest(req, { body: registerBody });
      const user = await auth.register(body, clientContext(req, res));
      res
        .status(201)
        .json({ success: true, message: 'Account created.', data: { user: toPublicUser(user) } });
    },

    login: async (req: Request, res: Response) => {
      const { body } = parseRequest(req, { body: loginBody });
      const { user, tokens } = await auth.login(body, clientContext(req, res));
      res.json({
        success: true,
        data: { user: toPublicUser(user), ...transport.deliver(res, tokens) },
      });
    },

    refresh: async (req: Request, res: Response) => {
      const { body } = parseRequest(req, { body: transport.bodySchema });
      try {
        const tokens = await auth.refresh(transport.readToken(req, body), clientContext(req, res));
        res.json({ success: true, data: transport.deliver(res, tokens) });
      } catch (error) {
        // A refused refresh token is of no further use: drop the cookie that holds it.
        if (error instanceof AppError && error.status === 401) transport.clear(res);
        throw error;
      }
    },

    logout: async (req: Request, res: Response) => {
      const { body } = parseRequest(req, { body: transport.bodySchema });
      // Cleared whatever the outcome: a client asking to log out should not keep the cookie.
      transport.clear(res);
      await auth.logout(transport.readToken(req, body), clientContext(req, res));
      res.json({ success: true, message: 'Logged out.', data: {} });
    },

    profile: (req: Request, res: Response) => {
      parseRequest(req, {});
      const { auth: authenticated } = res.locals;
      if (!authenticated) throw new Error('profile is mounted without requireAccessToken');
      res.json({ success: true, data: { user: toPublicUser(authenticated.user) } });
    },
  };
}

export type AuthController = ReturnType<typeof createAuthController>;
