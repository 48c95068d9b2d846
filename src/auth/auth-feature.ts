// Assembles the auth feature from the app's dependencies: services over the store, controllers, routes with their
// rate limits, and the refresh-token transport the configuration chose.
import type { Clock } from '../clock.js';
import type { Config } from '../config/config.js';
import { requireAccessToken } from './access-token-guard.js';
import { createRateLimiters } from '../http/rate-limits.js';
import { createRefreshTokenTransport } from './refresh-token-transport.js';
import type { CounterStore } from '../limits/counter-store.js';
import type { AuditLog } from '../observability/audit-log.js';
import type { Metrics } from '../observability/metrics.js';
import type { Stores } from '../storage/ports/stores.js';
import { createAccountController } from './account-controller.js';
import { createAccountService } from './account-service.js';
import { createAuthController } from './auth-controller.js';
import { addAuthRoutes, type RouteTarget } from './auth-routes.js';
import { createAuthService } from './auth-service.js';
import { createLoginThrottle } from './login-throttle.js';
import { createPasswordVerifier } from './password-verifier.js';
import type { PasswordHasher } from './passwords/password-hasher.js';
import { createTokenService } from './tokens/token-service.js';

export interface AuthFeatureDeps {
  config: Config;
  stores: Stores;
  clock: Clock;
  hasher: PasswordHasher;
  counters: CounterStore;
  metrics: Metrics;
  audit: AuditLog;
}

/** The feature's routes, ready to be added to the app's router (see auth-routes.ts). */
export function createAuthFeature(deps: AuthFeatureDeps): (app: RouteTarget) => void {
  const { config, clock, hasher, audit } = deps;
  const { users, sessions } = deps.stores;
  const throttle = createLoginThrottle(deps.counters, config.limits.loginThrottleFailures);
  const verifyPassword = createPasswordVerifier({ hasher, throttle, audit });
  const auth = createAuthService({
    users,
    sessions,
    hasher,
    tokens: createTokenService(config.jwt, clock),
    clock,
    audit,
    verifyPassword,
    sessionMaxAgeSeconds: config.session.maxAgeSeconds,
    reuseGraceSeconds: config.refreshTokens.reuseGraceSeconds,
  });
  const account = createAccountService({ users, sessions, hasher, clock, audit, verifyPassword });
  const transport = createRefreshTokenTransport(config);
  const routeDeps = {
    auth: createAuthController(auth, transport),
    account: createAccountController(account, transport),
    requireAccessToken: requireAccessToken(auth),
    csrfCheck: transport.csrfCheck,
    limits: createRateLimiters(config.limits, deps.counters, clock, deps.metrics),
  };
  return (app) => {
    addAuthRoutes(app, routeDeps);
  };
}
