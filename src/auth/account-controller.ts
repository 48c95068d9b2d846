// HTTP in, HTTP out for the signed-in user's own account: profile, sessions, logout everywhere, password, deletion.
// Every handler runs behind the access-token guard and acts on the caller it proved.
import type { Request, Response } from 'express';
import type { AccountService } from './account-service.js';
import { authenticatedCaller as caller } from './auth-locals.js';
import type { ChangePasswordInput, ListSessionsQuery } from './auth-schemas.js';
import { clientContext } from './client-context.js';
import { toPublicUser } from './public-user.js';
import type { RefreshTokenTransport } from './refresh-token-transport.js';

export function createAccountController(account: AccountService, transport: RefreshTokenTransport) {
  return {
    profile: (_input: unknown, _req: Request, res: Response) => {
      res.json({ success: true, data: { user: toPublicUser(caller(res).user) } });
    },

    listSessions: async ({ query }: { query: ListSessionsQuery }, _req: Request, res: Response) => {
      const withEnded = query.include === 'revoked';
      const sessions = await account.listSessions(caller(res), { withEnded });
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
            ...(withEnded
              ? {
                  revokedAt: session.revokedAt?.toISOString() ?? null,
                  revokedReason: session.revokedReason,
                }
              : {}),
          })),
        },
      });
    },

    endSession: async ({ params }: { params: { id: string } }, req: Request, res: Response) => {
      const self = caller(res);
      await account.endSession(self, params.id, clientContext(req, res));
      if (params.id === self.session.id) transport.clear(res);
      res.json({ success: true, message: 'Session ended.', data: {} });
    },

    logoutAll: async (_input: unknown, req: Request, res: Response) => {
      const ended = await account.endAllSessions(caller(res), clientContext(req, res));
      transport.clear(res);
      res.json({
        success: true,
        message: 'Logged out everywhere.',
        data: { sessionsEnded: ended },
      });
    },

    changePassword: async (
      { body }: { body: ChangePasswordInput },
      req: Request,
      res: Response,
    ) => {
      await account.changePassword(caller(res), body, clientContext(req, res));
      res.json({
        success: true,
        message: 'Password changed; every other session has been ended.',
        data: {},
      });
    },

    deleteAccount: async (
      { body }: { body: { password: string } },
      req: Request,
      res: Response,
    ) => {
      await account.deleteAccount(caller(res), body.password, clientContext(req, res));
      transport.clear(res);
      res.json({ success: true, message: 'Account deleted.', data: {} });
    },
  };
}

export type AccountController = ReturnType<typeof createAccountController>;
