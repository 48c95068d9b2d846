// Account recovery (DESIGN section 8), as one feature: its operations, services and the mail they queue. It sits a
// layer above auth, whose password rules, login lock, client context and Bearer guards it uses. It is built in two
// steps because the two features need each other: auth calls recovery's registration hook (a verification link for
// every new account), and recovery's email routes check callers with auth's guards.
import type { SignedInChecks } from '../auth/auth-feature.js';
import type { RegistrationHook } from '../auth/auth-service.js';
import { createLoginThrottle } from '../auth/login-throttle.js';
import type { PasswordHasher } from '../auth/passwords/password-hasher.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config/config.js';
import type { ApiSection } from '../http/operation.js';
import { createRateLimits } from '../http/rate-limit.js';
import type { CounterStore } from '../limits/counter-store.js';
import { outboxMailQueue } from '../mail/mail-queue.js';
import type { SecondFactorConfirmation } from '../mfa/second-factor-confirmation.js';
import type { AuditLog } from '../observability/audit-log.js';
import type { Metrics } from '../observability/metrics.js';
import type { Stores } from '../storage/ports/stores.js';
import { createEmailChangeService } from './email-change-service.js';
import { createEmailController } from './email-controller.js';
import { accountResponse, EMAIL_TAG, emailOperations } from './email-operations.js';
import { createEmailVerificationService } from './email-verification-service.js';
import { createLinkMailRequests } from './link-mail-request.js';
import { createMailCooldown } from './mail-cooldown.js';
import { createOneTimeLinks } from './one-time-links.js';
import { createPasswordResetService } from './password-reset-service.js';
import { createRecoveryController } from './recovery-controller.js';
import { RECOVERY_TAG, recoveryOperations } from './recovery-operations.js';

export interface RecoveryFeatureDeps {
  config: Config;
  stores: Stores;
  clock: Clock;
  hasher: PasswordHasher;
  counters: CounterStore;
  metrics: Metrics;
  audit: AuditLog;
  /** The second factor's check, which a reset of an account that has one asks for. */
  confirmSecondFactor: SecondFactorConfirmation;
}

export interface RecoveryFeature {
  /** For the auth feature: mails each new account a link to verify its address. */
  onRegistered: RegistrationHook;
  /** The feature's operations, checking signed-in callers and their passwords with auth's checks. */
  section(auth: SignedInChecks): ApiSection;
}

const FIFTEEN_MINUTES_MS = 15 * 60_000;

export function createRecoveryFeature(deps: RecoveryFeatureDeps): RecoveryFeature {
  const { config, stores, clock, counters, metrics, audit } = deps;
  const mail = outboxMailQueue(config.mail.outboxKeys, stores.mailOutbox, clock);
  const links = createOneTimeLinks({ oneTimeTokens: stores.oneTimeTokens, clock });
  // Every link mail is asked for this one way; the outbox worker's composer (link-mail-composer.ts) mints the links.
  const linkMails = createLinkMailRequests({
    mail,
    cooldown: createMailCooldown(counters),
    clock,
    recovery: config.recovery,
  });
  const passwordReset = createPasswordResetService({
    users: stores.users,
    sessions: stores.sessions,
    links,
    hasher: deps.hasher,
    mail,
    linkMails,
    // The login lock's counters, shared with the auth feature: a reset lifts the lock on the account.
    throttle: createLoginThrottle(counters, config.limits.loginThrottleFailures, clock),
    confirmSecondFactor: deps.confirmSecondFactor,
    clock,
    audit,
  });
  const verification = createEmailVerificationService({
    users: stores.users,
    links,
    linkMails,
    clock,
    audit,
  });
  const window = (name: string, limit: number) => ({
    name,
    limit,
    windowMs: FIFTEEN_MINUTES_MS,
  });
  const limits = createRateLimits(
    {
      forgot: window('forgot', config.limits.forgot),
      // A reset hashes a password: it shares the login budget's size, in a window of its own.
      reset: window('reset', config.limits.login),
      // Asking for a verification link mails like asking for a reset link: the same size, a window of its own.
      resend: window('resend', config.limits.forgot),
      // Opening an email link (verification or change) is a store write, like a reset without the hash.
      verify: window('verify', config.limits.login),
    },
    { counters, clock, metrics },
  );

  return {
    onRegistered: (user) => verification.mailLinkToNewAccount(user),
    section(auth) {
      const change = createEmailChangeService({
        users: stores.users,
        sessions: stores.sessions,
        links,
        mail,
        linkMails,
        confirmPassword: auth.confirmPassword,
        clock,
        audit,
      });
      return {
        tags: [RECOVERY_TAG, EMAIL_TAG],
        operations: [
          ...recoveryOperations({ controller: createRecoveryController(passwordReset), limits }),
          ...emailOperations({
            controller: createEmailController(verification, change),
            // An email change checks the password: it counts against login's budget, as change-password does.
            limits: { ...limits, password: auth.passwordLimit },
            signedIn: auth.signedIn,
            signedInIfPresented: auth.signedInIfPresented,
          }),
        ],
        schemaNames: new Map([[accountResponse, 'AccountResponse']]),
      };
    },
  };
}
