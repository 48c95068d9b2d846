// createApp(deps): the Express app from explicit dependencies. Composes middleware in order, mounts the routes and
// the one error handler; does no I/O, so tests build one per case over an in-memory store and a fake clock.
import express, { type Express } from 'express';
import { createAuthFeature } from './auth/auth-feature.js';
import type { PasswordHasher } from './auth/passwords/password-hasher.js';
import type { Clock } from './clock.js';
import type { Config } from './config/config.js';
import { errorHandler } from './http/error-handler.js';
import { methodNotAllowed, notFound } from './http/fallback-routes.js';
import { jsonBody } from './http/json-body.js';
import './http/locals.js';
import { requestId } from './http/request-id.js';
import { rememberMountPath, requestLogging } from './http/request-logging.js';
import { corsPolicy, requireHttps, securityHeaders } from './http/security.js';
import { refuseWhileShuttingDown, type Lifecycle } from './http/shutdown-gate.js';
import { createMemoryCounterStore, type CounterStore } from './limits/counter-store.js';
import { createAuditLog } from './observability/audit-log.js';
import type { Logger } from './observability/logger.js';
import type { AuthStore } from './storage/ports.js';

export type { Lifecycle } from './http/shutdown-gate.js';

export interface AppDeps {
  config: Config;
  store: AuthStore;
  clock: Clock;
  logger: Logger;
  hasher: PasswordHasher;
  /** Rate-limit and login-throttle counters; this process's memory when omitted. */
  counters?: CounterStore;
  lifecycle?: Lifecycle;
}

export function createApp(deps: AppDeps): Express {
  const { config, logger } = deps;
  const lifecycle = deps.lifecycle ?? { shuttingDown: false };
  const authRoutes = createAuthFeature({
    config,
    store: deps.store,
    clock: deps.clock,
    hasher: deps.hasher,
    counters: deps.counters ?? createMemoryCounterStore(deps.clock),
    audit: createAuditLog(logger),
  });

  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  // Flat query strings: `?email[$ne]=x` stays the string key "email[$ne]" and can never build an object.
  app.set('query parser', 'simple');
  app.set('trust proxy', config.http.trustProxy);

  app.use(requestId());
  app.use(requestLogging(logger));
  // Headers first, so that every answer, refusals included, carries them.
  app.use(securityHeaders());
  app.use(corsPolicy(config));
  app.use(refuseWhileShuttingDown(lifecycle));
  app.use(requireHttps(config));
  app.use(jsonBody(config.http.bodyLimitBytes));

  app
    .route('/health')
    .get((_req, res) => {
      res.json({ success: true, data: { status: 'ok' } });
    })
    .all(methodNotAllowed);
  app.use('/api/auth', rememberMountPath, authRoutes);

  app.use(notFound);
  app.use(errorHandler(logger));
  return app;
}
