// The /api/auth routes: which method and path reach which controller function, which need an access token, which
// read the refresh cookie (and so pass the CSRF check), and which rate limit each counts against. They are added to
// the app's own router at their full paths: a router mounted at /api/auth would cost every request a second
// dispatch (bench/README.md).
import type { IRouter, RequestHandler } from 'express';
import { methodNotAllowed } from '../http/fallback-routes.js';
import { inSequence } from '../http/in-sequence.js';
import type { RateLimiters } from '../http/rate-limits.js';
import type { AccountController } from './account-controller.js';
import type { AuthController } from './auth-controller.js';

export interface AuthRouteDeps {
  auth: AuthController;
  account: AccountController;
  requireAccessToken: RequestHandler;
  /** Guards the routes that read the refresh cookie (a no-op in body mode). */
  csrfCheck: RequestHandler;
  limits: RateLimiters;
}

export const AUTH_BASE_PATH = '/api/auth';

/** Where the routes are added: the app itself (or any router). */
export type RouteTarget = IRouter;

export function addAuthRoutes(app: RouteTarget, deps: AuthRouteDeps): void {
  const { auth, account, requireAccessToken: signedIn, csrfCheck, limits } = deps;
  const router = { route: (path: string) => routeAt(app, AUTH_BASE_PATH + path) };
  // Routes are matched in order: the most requested first.
  router.route('/profile').get(limits.api, signedIn, auth.profile).all(methodNotAllowed);
  // Refresh and logout share one budget: both take a refresh token.
  router.route('/refresh').post(limits.refresh, csrfCheck, auth.refresh).all(methodNotAllowed);
  router.route('/register').post(limits.register, auth.register).all(methodNotAllowed);
  router.route('/login').post(limits.login, auth.login).all(methodNotAllowed);
  router.route('/logout').post(limits.refresh, csrfCheck, auth.logout).all(methodNotAllowed);

  router.route('/sessions').get(limits.api, signedIn, account.listSessions).all(methodNotAllowed);
  router
    .route('/sessions/:id')
    .delete(limits.api, signedIn, account.endSession)
    .all(methodNotAllowed);
  router.route('/logout-all').post(limits.api, signedIn, account.logoutAll).all(methodNotAllowed);
  // A password is checked on these two, so they count against the login budget, like a login.
  router
    .route('/change-password')
    .post(limits.login, signedIn, account.changePassword)
    .all(methodNotAllowed);
  router
    .route('/account')
    .delete(limits.login, signedIn, account.deleteAccount)
    .all(methodNotAllowed);
}

/**
 * A route whose steps for each method run as one handler: the router's dispatch between a route's handlers is a
 * cost on every request (in-sequence.ts).
 */
function routeAt(app: RouteTarget, path: string) {
  const route = app.route(path);
  const methods = {
    get(...steps: RequestHandler[]) {
      route.get(inSequence(steps));
      return methods;
    },
    post(...steps: RequestHandler[]) {
      route.post(inSequence(steps));
      return methods;
    },
    delete(...steps: RequestHandler[]) {
      route.delete(inSequence(steps));
      return methods;
    },
    all(handler: RequestHandler) {
      route.all(handler);
    },
  };
  return methods;
}
