// HTTP in, HTTP out for the auth routes: validate, call one service function, shape the response.
import type { Request, Response } from 'express';
import { clientContext } from '../http/client-context.js';
import { parseRequest } from '../http/validate.js';
import type { AuthService } from './auth-service.js';
import { loginBody, logoutBody, refreshBody, registerBody } from './auth-schemas.js';
import { toPublicUser } from './public-user.js';

export function createAuthController(auth: AuthService) {
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
      res.json({ success: true, data: { user: toPublicUser(user), ...tokens } });
    },

    refresh: async (req: Request, res: Response) => {
      const { body } = parseRequest(req, { body: refreshBody });
      const tokens = await auth.refresh(body.refreshToken, clientContext(req, res));
      res.json({ success: true, data: tokens });
    },

    logout: async (req: Request, res: Response) => {
      const { body } = parseRequest(req, { body: logoutBody });
      await auth.logout(body.refreshToken, clientContext(req, res));
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
