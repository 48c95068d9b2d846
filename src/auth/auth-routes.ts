// The /api/auth routes: which method and path reach which controller function, which need an access token, and
// which rate limit each counts against.
import { Router, type RequestHandler } from 'express';
import { methodNotAllowed } from '../http/fallback-routes.js';
import type { RateLimiters } from '../http/rate-limits.js';
import type { AuthController } from './auth-controller.js';

export function createAuthRoutes(
  controller: AuthController,
  requireAccessToken: RequestHandler,
  limits: RateLimiters,
): Router {
  const router = Router();
  router.route('/register').post(limits.register, controller.register).all(methodNotAllowed);
  router.route('/login').post(limits.login, controller.login).all(methodNotAllowed);
  // Refresh and logout share one budget: both take a refresh token.
  router.route('/refresh').post(limits.refresh, controller.refresh).all(methodNotAllowed);
  router.route('/logout').post(limits.refresh, controller.logout).all(methodNotAllowed);
  router
    .route('/profile')
    .get(limits.api, requireAccessToken, controller.profile)
    .all(methodNotAllowed);
  return router;
}
