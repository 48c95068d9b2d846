// What an account with two-step sign-in does with it: see its status, turn it off, make new recovery codes. Changes
// take the password and a code (a stolen session alone cannot undo the second factor), and each is mailed to the
// owner. Turning it off ends every other session.
import type { ClientContext } from '../auth/client-context.js';
import type { PasswordConfirmation } from '../auth/password-confirmation.js';
import type { PasswordHasher } from '../auth/passwords/password-hasher.js';
import type { Clock } from '../clock.js';
import { AppError } from '../errors/app-error.js';
import type { MailQueue } from '../mail/mail-queue.js';
import type { AuditLog } from '../observability/audit-log.js';
import type { MfaStore, TotpFactorRecord } from '../storage/ports/mfa-store.js';
import type { LiveSession, SessionStore } from '../storage/ports/session-store.js';
import type { UserRecord, UserStore } from '../storage/ports/user-store.js';
import {
  MFA_NOTICE_LIFETIME_MS,
  mfaDisabledMail,
  recoveryCodesRegeneratedMail,
} from './mfa-mails.js';
import type { PasswordAndCodeInput } from './mfa-schemas.js';
import { newRecoveryCodes } from './recovery-codes.js';
import type { SecondFactorCheck } from './second-factor-check.js';

/** What the signed-in routes of the second factor (enrolment and settings) are built on. */
export interface MfaSettingsDeps {
  mfa: MfaStore;
  users: Pick<UserStore, 'findLiveUserById'>;
  sessions: Pick<SessionStore, 'revokeUserSessions'>;
  check: SecondFactorCheck;
  /** Hashes recovery codes (bcrypt). */
  hasher: PasswordHasher;
  confirmPassword: PasswordConfirmation;
  mail: MailQueue;
  clock: Clock;
  audit: AuditLog;
}

export interface MfaStatus {
  enabled: boolean;
  methods: Array<'totp' | 'recovery_code'>;
  enabledAt: Date | null;
  recoveryCodesRemaining: number;
  pendingSetup: boolean;
}

export interface MfaSettings {
  status(caller: LiveSession): Promise<MfaStatus>;
  disable(caller: LiveSession, input: PasswordAndCodeInput, client: ClientContext): Promise<void>;
  regenerateRecoveryCodes(
    caller: LiveSession,
    input: PasswordAndCodeInput,
    client: ClientContext,
  ): Promise<string[]>;
}

export function createMfaSettings(deps: MfaSettingsDeps): MfaSettings {
  const { mfa, clock, audit } = deps;
  const now = () => new Date(clock.now());
  const notice = () => new Date(clock.now() + MFA_NOTICE_LIFETIME_MS);

  /** The password, then a code of the active factor: what every change takes. */
  async function proveBothFactors(
    caller: LiveSession,
    { password, proof }: PasswordAndCodeInput,
    client: ClientContext,
  ): Promise<{ user: UserRecord; factor: TotpFactorRecord }> {
    await deps.confirmPassword(caller, password, client);
    const user = await deps.users.findLiveUserById(caller.user.id);
    if (!user) throw new AppError('SESSION_REVOKED', { reason: 'account_deleted' });
    const factor = await mfa.findFactor(user.id);
    if (factor?.status !== 'active') throw new AppError('MFA_SETUP_NOT_FOUND');
    await deps.check.verify(user, factor, proof, client);
    return { user, factor };
  }

  return {
    async status(caller) {
      const factor = await mfa.findFactor(caller.user.id);
      const enabled = factor?.status === 'active';
      const pending =
        factor?.status === 'pending' && (factor.pendingUntil?.getTime() ?? 0) > clock.now();
      return {
        enabled,
        methods: enabled ? ['totp', 'recovery_code'] : [],
        enabledAt: enabled ? (factor.confirmedAt ?? null) : null,
        recoveryCodesRemaining: enabled ? await mfa.countUnusedRecoveryCodes(caller.user.id) : 0,
        pendingSetup: pending,
      };
    },

    async disable(caller, input, client) {
      const { user } = await proveBothFactors(caller, input, client);
      await mfa.deleteFactor(user.id);
      const ended = await deps.sessions.revokeUserSessions(
        user.id,
        'mfa_disabled',
        now(),
        caller.session.id,
      );
      await deps.mail.queue(mfaDisabledMail(user.email), notice());
      audit.record('mfa.disabled', {
        userId: user.id,
        sessionId: caller.session.id,
        otherSessionsEnded: ended,
        ...client,
      });
    },

    async regenerateRecoveryCodes(caller, input, client) {
      const { user } = await proveBothFactors(caller, input, client);
      const codes = await newRecoveryCodes((text) => deps.hasher.hash(text));
      if (!(await mfa.replaceRecoveryCodes(user.id, codes.stored, now()))) {
        throw new AppError('MFA_SETUP_NOT_FOUND'); // turned off by a request racing this one
      }
      await deps.mail.queue(recoveryCodesRegeneratedMail(user.email), notice());
      audit.record('mfa.recovery_codes_regenerated', {
        userId: user.id,
        sessionId: caller.session.id,
        ...client,
      });
      return codes.shown;
    },
  };
}
