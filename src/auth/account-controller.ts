// HTTP in, HTTP out for the signed-in user's own account: sessions, logout everywhere, password, deletion.
import type { Request, Response } from 'express';
import { clientContext } from './client-context.js';
import type { Authenticated } from './auth-locals.js';
import type { RefreshTokenTransport } from './refresh-token-transport.js';
import { parseRequest } from '../http/validate.js';
import type { AccountService } from './account-service.js';
import {
  changePasswordBody,
  deleteAccountBody,
  emptyBody,
  sessionIdParams,
} from './auth-schemas.js';

function caller(res: Response): Authenticated {
  const { auth } = res.locals;
  if (!auth) throw new Error('an account route is mounted without requireAccessToken');
  return auth;
}

export function createAccountController(account: AccountService, transport: RefreshTokenTransport) {
  return {
    listSessions: async (req: Request, res: Response) => {
      parseRequest(req, {});
      const sessions = await account.listSessions(caller(res));
      res.json({
        success: true,
        data: {
          sessions: sessions.map((session) => ({
            id: session.id,
            createdAt: session.createdAt.toISOString(),
            lastUsedAt: session.lastUsedAt.toISOString(),
            userAgent: session.userAgent,
            ip: session.ip,
            current: session.current,
          })),
        },
      });
    },

    endSession: async (req: Request, res: Response) => {
      const { params } = parseRequest(req, { params: sessionIdParams });
      const self = caller(res);
      await account.endSession(self, params.id, clientContext(req, res));
      if (params.id === self.session.id) transport.clear(res);
      res.json({ success: true, message: 'Session ended.', data: {} });
    },

    logoutAll: async (req: Request, res: Response) => {
      parseRequest(req, { body: emptyBody });
      const ended = await account.endAllSessions(caller(res), clientContext(req, res));
      transport.clear(res);
      res.json({
        success: true,
        message: 'Logged out everywhere.',
        data: { sessionsEnded: ended },
      });
    },

    changePassword: async (req: Request, res: Response) => {
      const { body } = parseRequest(req, { body: changePasswordBody });
      await account.changePassword(caller(res), body, clientContext(req, res));
      res.json({
        success: true,
        message: 'Password changed; every other session has been ended.',
        data: {},
      });
    },

    deleteAccount: async (req: Request, res: Response) => {
      const { body } = parseRequest(req, { body: deleteAccountBody });
      await account.deleteAccount(caller(res), body.password, clientContext(req, res));
      transport.clear(res);
      res.json({ success: true, message: 'Account deleted.', data: {} });
    },
  };
}

export type AccountController = ReturnType<typeof createAccountController>;
