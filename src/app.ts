// createApp(deps): the Express app from explicit dependencies. Composes middleware in order, mounts the routes and
// the one error handler; does no I/O, so tests build one per case over an in-memory store and a fake clock.
import express, { type Express } from 'express';
import { createAuthFeature } from './auth/auth-feature.js';
import type { PasswordHasher } from './auth/passwords/password-hasher.js';
import type { Clock } from './clock.js';
import type { Config } from './config/config.js';
import { readSocketFactsUnlessProxied } from './http/socket-facts.js';
import { errorHandler } from './http/error-handler.js';
import { notFound } from './http/fallback-routes.js';
import { inSequence } from './http/in-sequence.js';
import { jsonBody } from './http/json-body.js';
import './http/locals.js';
import { requestId } from './http/request-id.js';
import { createProbeRoutes } from './http/probe-routes.js';
import { observeRequests } from './http/request-observer.js';
import { apiSecurityHeaders, corsPolicy, transportSecurity } from './http/security.js';
import { refuseWhileShuttingDown, type Lifecycle } from './http/shutdown-gate.js';
import { createMemoryCounterStore, type CounterStore } from './limits/counter-store.js';
import { createApiDocsRoutes } from './openapi/docs-routes.js';
import { createAuditLog } from './observability/audit-log.js';
import type { Logger } from './observability/logger.js';
import { createMetrics, type Metrics } from './observability/metrics.js';
import type { Stores } from './storage/ports/stores.js';
import { withSessionCache } from './storage/session-cache.js';

export type { Lifecycle } from './http/shutdown-gate.js';

export interface AppDeps {
  config: Config;
  stores: Stores;
  clock: Clock;
  logger: Logger;
  hasher: PasswordHasher;
  /** Rate-limit and login-throttle counters; this process's memory when omitted. */
  counters?: CounterStore;
  /** Whether `counters` are shared through Redis, which readiness then checks. */
  sharedCounters?: boolean;
  /** The process's metrics; a registry of this app's own (without process metrics) when omitted. */
  metrics?: Metrics;
  lifecycle?: Lifecycle;
}

export function createApp(deps: AppDeps): Express {
  const { config, logger } = deps;
  const lifecycle = deps.lifecycle ?? { shuttingDown: false };
  const counters = deps.counters ?? createMemoryCounterStore(deps.clock);
  const metrics = deps.metrics ?? createMetrics({ processMetrics: false });
  const stores = withSessionCache(deps.stores, {
    clock: deps.clock,
    ttlMs: config.session.cacheTtlMs,
  });
  const addAuthRoutes = createAuthFeature({
    config,
    stores,
    clock: deps.clock,
    hasher: deps.hasher,
    counters,
    metrics,
    audit: createAuditLog(logger, metrics),
  });
  const probeRoutes = createProbeRoutes({
    stores,
    counters,
    sharedCounters: deps.sharedCounters ?? false,
    metrics,
    metricsToken: config.metricsToken,
  });

  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  // Flat query strings: `?email[$ne]=x` stays the string key "email[$ne]" and can never build an object.
  app.set('query parser', 'simple');
  app.set('trust proxy', config.http.trustProxy);
  readSocketFactsUnlessProxied(app, config.http.trustProxy);

  // What every request passes through before routing, as one step (see in-sequence.ts for why).
  app.use(
    inSequence([
      requestId(),
      observeRequests(logger, metrics),
      // Headers first, so that every answer, refusals included, carries them.
      ...apiSecurityHeaders(),
      corsPolicy(config),
      refuseWhileShuttingDown(lifecycle),
      transportSecurity(config),
      jsonBody(config.http.bodyLimitBytes),
    ]),
  );

  // The API first: its requests are the many; probes come a few times a minute.
  addAuthRoutes(app);
  app.use(probeRoutes);
  // GET /api/openapi.json, GET /api/docs and its assets (full paths, so mounted at the root).
  app.use(createApiDocsRoutes(config));

  app.use(notFound);
  app.use(errorHandler(logger));
  return app;
}
