// Assembles the auth feature from the app's dependencies: services over the stores, controllers, the refresh-token
// transport the configuration chose, and the operation tables with their rate limits and guards. Features above auth
// get what they need of it from here (the Bearer guards), and hook into registration without auth knowing them.
import type { AccessTokenKeys } from '../keys/access-token-keys.js';
import { outboxMailQueue } from '../mail/mail-queue.js';
import { createReuseResponse } from './refresh-reuse-response.js';
import type { z } from 'zod';
import type { Clock } from '../clock.js';
import type { Config } from '../config/config.js';
import type { ApiSection, Guard, HeaderDescription, RateLimit } from '../http/operation.js';
import type { CounterStore } from '../limits/counter-store.js';
import type { AuditLog } from '../observability/audit-log.js';
import type { Metrics } from '../observability/metrics.js';
import type { Stores } from '../storage/ports/stores.js';
import { accessTokenGuard } from './access-token-guard.js';
import { createAccountController } from './account-controller.js';
import { ACCOUNT_TAG, accountOperations } from './account-operations.js';
import { createAccountService } from './account-service.js';
import { createAuthController } from './auth-controller.js';
import { createAuthRateLimits } from './auth-rate-limits.js';
import {
  cookieTokenPairSchema,
  doneResponse,
  mfaChallengeSchema,
  publicUserSchema,
  sessionSchema,
  tokenPairSchema,
  tokenResponses,
} from './auth-responses.js';
import { createAuthService, type AuthService, type RegistrationHook } from './auth-service.js';
import { createDeviceCookie } from './device-cookie.js';
import { createDeviceTokens } from './device-tokens.js';
import { createLoginThrottle } from './login-throttle.js';
import { createPasswordConfirmation, type PasswordConfirmation } from './password-confirmation.js';
import { createPasswordVerifier } from './password-verifier.js';
import type { PasswordHasher } from './passwords/password-hasher.js';
import {
  createRefreshTokenTransport,
  type RefreshTokenTransport,
} from './refresh-token-transport.js';
import type { SecondFactorGate } from './second-factor-gate.js';
import { createSignedInResponse, type SignedInResponse } from './signed-in-response.js';
import { SIGN_IN_TAG, signInOperations } from './sign-in-operations.js';
import { createTokenService } from './tokens/token-service.js';

export interface AuthFeatureDeps {
  config: Config;
  stores: Stores;
  clock: Clock;
  hasher: PasswordHasher;
  counters: CounterStore;
  metrics: Metrics;
  audit: AuditLog;
  /** What signs and verifies access tokens: the ES256 key ring, or the access secret (HS256). */
  accessKeys: AccessTokenKeys;
  onRegistered?: RegistrationHook;
  secondFactor?: SecondFactorGate;
}

/** What features above auth build on: the checks of a signed-in caller. */
export interface SignedInChecks {
  /** A Bearer access token of a live session, required. */
  signedIn: Guard;
  /** The same check when a Bearer token is sent; a request without one passes unauthenticated. */
  signedInIfPresented: Guard;
  /** The caller's own password, counted against its session, as change-password checks it. */
  confirmPassword: PasswordConfirmation;
  /** The per-IP budget every route that checks a password counts against (login's). */
  passwordLimit: RateLimit;
}

/** What a feature that finishes sign-ins (the second factor's step) builds on. */
export interface SignInSteps {
  completeSignIn: AuthService['completeSignIn'];
  openSession: AuthService['openSession'];
  response: SignedInResponse;
  /** The finished sign-in's body and the headers it may set, as the document describes them. */
  signedInBody: z.ZodType;
  cookieHeaders: readonly HeaderDescription[];
}

export interface AuthFeature {
  section: ApiSection;
  checks: SignedInChecks;
  signIn: SignInSteps;
}

export function createAuthFeature(deps: AuthFeatureDeps): AuthFeature {
  const { config, clock, hasher, audit, counters, metrics } = deps;
  const { users, sessions } = deps.stores;
  const throttle = createLoginThrottle(counters, config.limits.loginThrottleFailures, clock);
  const verifyPassword = createPasswordVerifier({ hasher, throttle, audit });
  const auth = createAuthService({
    users,
    sessions,
    hasher,
    tokens: createTokenService(config.jwt, clock, deps.accessKeys),
    clock,
    audit,
    verifyPassword,
    // Keyed from the refresh secret: rotating it turns every device untrusted until its next login.
    devices: createDeviceTokens(config.jwt.refreshSecret),
    sessionMaxAgeSeconds: config.session.maxAgeSeconds,
    reuseGrace: {
      windowMs: config.refreshTokens.reuse.graceSeconds * 1000,
      maxReplays: config.refreshTokens.reuse.graceMaxReplays,
    },
    respondToReuse: createReuseResponse({
      sessions,
      users,
      mail: outboxMailQueue(config.mail.outboxKeys, deps.stores.mailOutbox, clock),
      counters,
      clock,
      audit,
      appUrl: config.mail.appUrl,
      revokesAllSessions: config.refreshTokens.reuse.revokesAllSessions,
    }),
    requireEmailVerification: config.recovery.requireEmailVerification,
    ...(deps.onRegistered ? { onRegistered: deps.onRegistered } : {}),
    ...(deps.secondFactor ? { secondFactor: deps.secondFactor } : {}),
  });
  const confirmPassword = createPasswordConfirmation({ users, verifyPassword });
  const account = createAccountService({
    users,
    sessions,
    mfa: deps.stores.mfa,
    hasher,
    clock,
    audit,
    confirmPassword,
  });
  const transport = createRefreshTokenTransport(config);
  const deviceCookie = createDeviceCookie(config);
  const signedInResponse = createSignedInResponse(transport, deviceCookie);
  const limits = createAuthRateLimits(config.limits, { counters, clock, metrics });
  const checks: SignedInChecks = {
    signedIn: accessTokenGuard(auth),
    signedInIfPresented: accessTokenGuard(auth, { optional: true }),
    confirmPassword,
    passwordLimit: limits.login,
  };

  const section: ApiSection = {
    tags: [SIGN_IN_TAG, ACCOUNT_TAG],
    operations: [
      ...accountOperations({
        controller: createAccountController(account, transport),
        limits,
        transport,
        signedIn: checks.signedIn,
      }),
      ...signInOperations({
        controller: createAuthController(auth, transport, deviceCookie, signedInResponse),
        limits,
        transport,
        requireEmailVerification: config.recovery.requireEmailVerification,
      }),
    ],
    schemaNames: new Map<z.ZodType, string>([
      [publicUserSchema, 'PublicUser'],
      [sessionSchema, 'Session'],
      [transport.mode === 'cookie' ? cookieTokenPairSchema : tokenPairSchema, 'TokenPair'],
      [doneResponse, 'DoneResponse'],
      [mfaChallengeSchema, 'MfaChallenge'],
    ]),
    notes: [transportNote(transport)],
  };
  const signIn: SignInSteps = {
    completeSignIn: (...args) => auth.completeSignIn(...args),
    openSession: (...args) => auth.openSession(...args),
    response: signedInResponse,
    signedInBody: tokenResponses(transport.mode).signedIn,
    cookieHeaders: transport.cookieHeader ? [transport.cookieHeader] : [],
  };
  return { section, checks, signIn };
}

/** What the API document says about where refresh tokens travel on this server. */
function transportNote(transport: RefreshTokenTransport): string {
  return transport.cookieName !== undefined
    ? 'This server runs in **cookie mode** (`REFRESH_TOKEN_TRANSPORT=cookie`): refresh tokens travel only in the ' +
        `HttpOnly \`${transport.cookieName}\` cookie, and refresh and logout also require an allowed \`Origin\` and ` +
        '`X-Requested-With: XMLHttpRequest`.'
    : 'This server runs in **body mode** (`REFRESH_TOKEN_TRANSPORT=body`): refresh tokens travel in JSON bodies.';
}
