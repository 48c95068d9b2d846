// Account recovery (DESIGN section 8), as one feature: its operations, services and the mail they queue. It sits a
// layer above auth, whose password rules, login lock and client context it uses.
import { createLoginThrottle } from '../auth/login-throttle.js';
import type { PasswordHasher } from '../auth/passwords/password-hasher.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config/config.js';
import type { ApiSection } from '../http/operation.js';
import { createRateLimits } from '../http/rate-limit.js';
import type { CounterStore } from '../limits/counter-store.js';
import { createMailQueue } from '../mail/mail-queue.js';
import { outboxSealer } from '../mail/mail-sealer.js';
import type { AuditLog } from '../observability/audit-log.js';
import type { Metrics } from '../observability/metrics.js';
import type { Stores } from '../storage/ports/stores.js';
import { createMailCooldown } from './mail-cooldown.js';
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
}

const FIFTEEN_MINUTES_MS = 15 * 60_000;

export function createRecoveryFeature(deps: RecoveryFeatureDeps): ApiSection {
  const { config, stores, clock, counters, metrics } = deps;
  const mail = createMailQueue({
    outbox: stores.mailOutbox,
    sealer: outboxSealer(config.mail.outboxKeys),
    clock,
  });
  const passwordReset = createPasswordResetService({
    users: stores.users,
    sessions: stores.sessions,
    oneTimeTokens: stores.oneTimeTokens,
    hasher: deps.hasher,
    mail,
    cooldown: createMailCooldown(counters),
    // The login lock's counters, shared with the auth feature: a reset lifts the lock on the account.
    throttle: createLoginThrottle(counters, config.limits.loginThrottleFailures, clock),
    clock,
    audit: deps.audit,
    appUrl: config.mail.appUrl,
    ttlSeconds: config.recovery.passwordResetTtlSeconds,
  });
  const limits = createRateLimits(
    {
      forgot: { name: 'forgot', limit: config.limits.forgot, windowMs: FIFTEEN_MINUTES_MS },
      // A reset hashes a password: it shares the login budget's size, in a window of its own.
      reset: { name: 'reset', limit: config.limits.login, windowMs: FIFTEEN_MINUTES_MS },
    },
    { counters, clock, metrics },
  );
  return {
    tags: [RECOVERY_TAG],
    operations: recoveryOperations({ controller: createRecoveryController(passwordReset), limits }),
  };
}
