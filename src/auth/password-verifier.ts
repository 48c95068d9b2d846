// Checks an account's password the one way every flow shares. Every check reserves its failure slot first
// (login-throttle.ts), then costs exactly one bcrypt comparison: against the stored hash, or against a dummy hash when
// there is no account or the attempt's class is locked, so no refusal can be told apart from another by its timing.
// A sign-in counts against the presenting device when it brings a valid device token, else against the account's
// untrusted clients; a device that used up its own attempts is treated as untrusted. A signed-in session confirming
// its password counts against that session alone, so an attacker locking the account cannot lock its owner out of
// changing the password or deleting the account.
import { randomBytes } from 'node:crypto';
import type { AuditLog } from '../observability/audit-log.js';
import type { ClientContext } from './client-context.js';
import {
  accountSubject,
  sessionSubject,
  type Attempt,
  type LoginThrottle,
} from './login-throttle.js';
import type { PasswordHasher } from './passwords/password-hasher.js';
import { exceedsBcryptLimit } from './passwords/password-policy.js';

export type PasswordVerification =
  | { ok: true }
  | { ok: false; reason: 'locked' | 'unknown_email' | 'wrong_password'; retryAfterSeconds: number };

export interface SignInCheck {
  email: string;
  password: string;
  storedHash: string | undefined;
  /** The device id of a valid device token the client presented. */
  deviceId: string | undefined;
  client: ClientContext;
}

export interface PasswordVerifier {
  signIn(check: SignInCheck): Promise<PasswordVerification>;
  /** A signed-in session confirming its own account's password. */
  reauthenticate(
    sessionId: string,
    password: string,
    storedHash: string,
    client: ClientContext,
  ): Promise<PasswordVerification>;
}

const UNTRUSTED = 'untrusted';
const deviceClass = (deviceId: string) => `device:${deviceId}`;

export function createPasswordVerifier(deps: {
  hasher: PasswordHasher;
  throttle: LoginThrottle;
  audit: AuditLog;
}): PasswordVerifier {
  const { hasher, throttle, audit } = deps;
  // A hash of a random password at the configured cost, made once up front: comparing against it takes as long as
  // a real comparison at that cost.
  const dummyHash = hasher.hash(randomBytes(32).toString('base64'));
  // A failure surfaces at the first check that awaits it, not as an unhandled rejection now.
  dummyHash.catch(() => undefined);

  /** One comparison; without a hash to compare against (no account, or locked), against the dummy, and false. */
  async function matches(password: string, storedHash: string | undefined): Promise<boolean> {
    const same = await hasher.verify(password, storedHash ?? (await dummyHash));
    // bcrypt ignores bytes past 72, so "the real password plus anything" would otherwise match.
    return same && storedHash !== undefined && !exceedsBcryptLimit(password);
  }

  /** The compare under a reserved attempt, and what its outcome does to the counts. */
  async function checkUnder(
    attempt: Attempt,
    password: string,
    storedHash: string | undefined,
    onLock: (failures: number, lockedForMs: number) => void,
  ): Promise<PasswordVerification> {
    if (await matches(password, attempt.locked ? undefined : storedHash)) {
      await attempt.succeeded();
      return { ok: true };
    }
    if (attempt.locked) {
      return { ok: false, reason: 'locked', retryAfterSeconds: attempt.retryAfterSeconds };
    }
    const { failures, lockedForMs } = await attempt.failed();
    if (lockedForMs > 0) onLock(failures, lockedForMs);
    return {
      ok: false,
      reason: storedHash === undefined ? 'unknown_email' : 'wrong_password',
      retryAfterSeconds: 0,
    };
  }

  return {
    async signIn({ email, password, storedHash, deviceId, client }) {
      const subject = accountSubject(email);
      let clientClass = deviceId === undefined ? UNTRUSTED : deviceClass(deviceId);
      let attempt = await throttle.reserve(subject, clientClass);
      if (attempt.locked && clientClass !== UNTRUSTED) {
        // The device has used up its own attempts: it is no longer trusted, and counts as any other client.
        clientClass = UNTRUSTED;
        attempt = await throttle.reserve(subject, clientClass);
      }
      // Unknown emails count too, so a lock never tells whether an account exists.
      return checkUnder(attempt, password, storedHash, (failures, lockedForMs) => {
        audit.record('login.lockout', {
          email,
          clientClass: kindOf(clientClass),
          failures,
          lockedForMs,
          ...client,
        });
      });
    },

    async reauthenticate(sessionId, password, storedHash, client) {
      const attempt = await throttle.reserve(sessionSubject(sessionId), 'reauthentication');
      return checkUnder(attempt, password, storedHash, (failures, lockedForMs) => {
        audit.record('reauth.lockout', { sessionId, failures, lockedForMs, ...client });
      });
    },
  };
}

/** The class as audit lines name it: a device's id stays out of the log. */
const kindOf = (clientClass: string) => (clientClass === UNTRUSTED ? UNTRUSTED : 'device');
