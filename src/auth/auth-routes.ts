// The /api/auth routes: which method and path reach which controller function, and which need an access token.
import { Router, type RequestHandler } from 'express';
import { methodNotAllowed } from '../http/fallback-routes.js';
import type { AuthController } from './auth-controller.js';

export function createAuthRoutes(
  controller: AuthController,
  requireAccessToken: RequestHandler,
): Router {
  const router = Router();
  router.route('/register').post(controller.register).all(methodNotAllowed);
  router.route('/login').post(controller.login).all(methodNotAllowed);
  router.route('/refresh').post(controller.refresh).all(methodNotAllowed);
  router.route('/logout').post(controller.logout).all(methodNotAllowed);
  router.route('/profile').get(requireAccessToken, controller.profile).all(methodNotAllowed);
  return router;
}
