// The second factor (DESIGN section 11), as one feature: TOTP enrolment, the login's second step, the settings, and
// the code check that password reset uses too. Built in two steps like recovery: auth asks its gate at every login,
// and its routes are built on auth's guards and sign-in steps once auth exists.
import type { SignedInChecks, SignInSteps } from '../auth/auth-feature.js';
import type { PasswordHasher } from '../auth/passwords/password-hasher.js';
import type { SecondFactorGate } from '../auth/second-factor-gate.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config/config.js';
import type { ApiSection } from '../http/operation.js';
import type { CounterStore } from '../limits/counter-store.js';
import { outboxMailQueue } from '../mail/mail-queue.js';
import type { AuditLog } from '../observability/audit-log.js';
import type { Stores } from '../storage/ports/stores.js';
import { createMfaController } from './mfa-controller.js';
import { createMfaLock } from './mfa-lock.js';
import { createMfaLogin } from './mfa-login.js';
import { MFA_TAG, mfaOperations } from './mfa-operations.js';
import { mfaStatusResponse } from './mfa-responses.js';
import { createMfaSettings } from './mfa-settings.js';
import { createSecondFactorCheck } from './second-factor-check.js';
import {
  createSecondFactorConfirmation,
  type SecondFactorConfirmation,
} from './second-factor-confirmation.js';
import { createTotpEnrolment } from './totp-enrolment.js';
import { createTotpSecretSealer } from './totp-secret-sealer.js';

export interface MfaFeatureDeps {
  config: Config;
  stores: Stores;
  clock: Clock;
  hasher: PasswordHasher;
  counters: CounterStore;
  audit: AuditLog;
}

export interface MfaFeature {
  /** For auth: asks accounts with a live factor for a code before any token. */
  gate: SecondFactorGate;
  /** For password reset: a code, when the account has a live factor. */
  confirmSecondFactor: SecondFactorConfirmation;
  /** The feature's operations, on auth's guards and sign-in steps. */
  section(auth: { checks: SignedInChecks; signIn: SignInSteps }): ApiSection;
}

export function createMfaFeature(deps: MfaFeatureDeps): MfaFeature {
  const { config, stores, clock, hasher, audit } = deps;
  const mfa = stores.mfa;
  const sealer = createTotpSecretSealer(config.mfa.keys);
  const lock = createMfaLock(deps.counters, clock);
  const mail = outboxMailQueue(config.mail.outboxKeys, stores.mailOutbox, clock);
  const check = createSecondFactorCheck({ mfa, sealer, lock, hasher, mail, clock, audit });
  const login = createMfaLogin({
    mfa,
    users: stores.users,
    check,
    lock,
    clock,
    audit,
    challengeTtlSeconds: config.mfa.challengeTtlSeconds,
  });

  return {
    gate: login.gate,
    confirmSecondFactor: createSecondFactorConfirmation(mfa, check),
    section({ checks, signIn }) {
      const shared = {
        mfa,
        users: stores.users,
        sessions: stores.sessions,
        check,
        hasher,
        confirmPassword: checks.confirmPassword,
        mail,
        clock,
        audit,
      };
      const controller = createMfaController({
        login,
        enrolment: createTotpEnrolment({ ...shared, sealer, issuer: config.mfa.issuer }),
        settings: createMfaSettings(shared),
        signIn,
      });
      return {
        tags: [MFA_TAG],
        operations: mfaOperations({
          controller,
          signedIn: checks.signedIn,
          limit: checks.passwordLimit,
          transport: config.refreshTokens.transport,
          signedInBody: signIn.signedInBody,
          cookieHeaders: signIn.cookieHeaders,
        }),
        schemaNames: new Map([[mfaStatusResponse, 'MfaStatusResponse']]),
      };
    },
  };
}
