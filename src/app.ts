// createApp(deps): the Express app from explicit dependencies. Composes the middleware every request passes in
// order, mounts every feature's operation table and the one error handler; does no I/O, so tests build one per case
// over an in-memory store and a fake clock. A new capability is one more feature in `apiSections`.
import { secretAccessTokenKeys, type AccessTokenKeys } from './keys/access-token-keys.js';
import { jwksSection } from './keys/jwks-operations.js';
import express, { type Express } from 'express';
import { createAuthFeature } from './auth/auth-feature.js';
import type { PasswordHasher } from './auth/passwords/password-hasher.js';
import type { Clock } from './clock.js';
import type { Config } from './config/config.js';
import { errorHandler } from './http/error-handler.js';
import { notFound } from './http/fallback-routes.js';
import { inSequence } from './http/in-sequence.js';
import './http/locals.js';
import { mountOperations } from './http/mount-operations.js';
import type { ApiSection } from './http/operation.js';
import { requestId } from './http/request-id.js';
import { observeRequests } from './http/request-observer.js';
import { apiSecurityHeaders, corsPolicy, transportSecurity } from './http/security.js';
import { refuseWhileShuttingDown, type Lifecycle } from './http/shutdown-gate.js';
import { readSocketFactsUnlessProxied } from './http/socket-facts.js';
import { createMemoryCounterStore, type CounterStore } from './limits/counter-store.js';
import { MAIL_KINDS } from './mail/mail-message.js';
import { createMfaFeature } from './mfa/mfa-feature.js';
import { createAuditLog } from './observability/audit-log.js';
import type { Logger } from './observability/logger.js';
import { createMetrics, type Metrics } from './observability/metrics.js';
import { docsSection } from './openapi/docs-operations.js';
import { probesSection } from './probes/probe-operations.js';
import { createRecoveryFeature } from './recovery/recovery-feature.js';
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
  /** What signs access tokens: the ES256 key ring (openAccessTokenKeys); the access secret (HS256) when omitted. */
  accessKeys?: AccessTokenKeys;
}

export interface AssembledApp {
  app: Express;
  /** What the app serves, section by section: the API document is rendered from these. */
  sections: readonly ApiSection[];
}

export function createApp(deps: AppDeps): Express {
  return assembleApp(deps).app;
}

/** The app and the operation tables it serves, built from one set of dependencies. */
export function assembleApp(deps: AppDeps): AssembledApp {
  const counters = deps.counters ?? createMemoryCounterStore(deps.clock);
  const metrics = deps.metrics ?? createMetrics({ processMetrics: false });
  // Every kind of mail this app may queue has its delivery series from the start, so alerts see them at 0.
  metrics.declareMailKinds(MAIL_KINDS);
  const sections = apiSections({ ...deps, counters, metrics });
  return { app: appServing({ ...deps, metrics }, sections), sections };
}

/** Every feature's operations, in mounting order (the API's many requests first, the probes' few after). */
function apiSections(deps: AppDeps & { counters: CounterStore; metrics: Metrics }): ApiSection[] {
  const { config, counters, metrics } = deps;
  const stores = withSessionCache(deps.stores, {
    clock: deps.clock,
    ttlMs: config.session.cacheTtlMs,
  });
  const featureDeps = {
    config,
    stores,
    clock: deps.clock,
    hasher: deps.hasher,
    counters,
    metrics,
    audit: createAuditLog(deps.logger, metrics),
  };
  const accessKeys = deps.accessKeys ?? secretAccessTokenKeys(config.jwt);
  if (accessKeys.algorithm === 'ES256') {
    metrics.measureActiveKeyAge(
      () => accessKeys.activeSince(),
      () => deps.clock.now(),
    );
  }
  const mfa = createMfaFeature(featureDeps);
  const recovery = createRecoveryFeature({
    ...featureDeps,
    confirmSecondFactor: mfa.confirmSecondFactor,
  });
  const auth = createAuthFeature({
    ...featureDeps,
    accessKeys,
    onRegistered: recovery.onRegistered,
    secondFactor: mfa.gate,
  });
  const features = [
    auth.section,
    mfa.section(auth),
    recovery.section(auth.checks),
    jwksSection({ keys: accessKeys, maxAgeSeconds: config.jwks.maxAgeSeconds }),
    probesSection({
      stores,
      clock: deps.clock,
      counters,
      sharedCounters: deps.sharedCounters ?? false,
      metrics,
      metricsToken: config.metricsToken,
    }),
  ];
  return [...features, docsSection(config, features)];
}

function appServing(
  deps: AppDeps & { metrics: Metrics },
  sections: readonly ApiSection[],
): Express {
  const { config, logger, metrics } = deps;
  const lifecycle = deps.lifecycle ?? { shuttingDown: false };
  const operations = sections.flatMap((section) => section.operations);
  const plainHttpPaths = new Set(operations.filter((op) => op.plainHttp).map((op) => op.path));

  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  // Exact paths: `/API/AUTH/LOGIN/` is not `/api/auth/login`, so each path has one spelling (and one rate limit,
  // cache key and log label). Set before the router is first used, which reads them once.
  app.enable('case sensitive routing');
  app.enable('strict routing');
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
      transportSecurity(config, plainHttpPaths),
    ]),
  );
  mountOperations(app, operations, { bodyLimitBytes: config.http.bodyLimitBytes });
  app.use(notFound);
  app.use(errorHandler(logger));
  return app;
}
