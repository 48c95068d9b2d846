// Turning two-step sign-in on (DESIGN section 11): setup stores a pending factor and shows its secret once; confirm
// proves the user's app holds it with a code, makes it live with ten recovery codes (shown once), ends every session
// of the account and opens a new one for the caller at aal2, and tells the owner by mail.
import { randomUUID } from 'node:crypto';
import type { SignInSteps } from '../auth/auth-feature.js';
import type { ClientContext } from '../auth/client-context.js';
import type { TokenPair } from '../auth/token-pair.js';
import { AppError } from '../errors/app-error.js';
import type { TotpFactorRecord } from '../storage/ports/mfa-store.js';
import type { LiveSession } from '../storage/ports/session-store.js';
import type { UserRecord } from '../storage/ports/user-store.js';
import { MFA_NOTICE_LIFETIME_MS, mfaEnabledMail } from './mfa-mails.js';
import { newRecoveryCodes } from './recovery-codes.js';
import type { MfaSettingsDeps } from './mfa-settings.js';
import { newTotpSecret, otpauthUri } from './totp.js';
import type { TotpSecretSealer } from './totp-secret-sealer.js';

/** How long a setup waits for its confirming code: time to find the phone and scan. */
export const PENDING_SETUP_SECONDS = 10 * 60;

export interface TotpEnrolmentDeps extends MfaSettingsDeps {
  sealer: TotpSecretSealer;
  /** MFA_ISSUER: the name authenticator apps show beside the account. */
  issuer: string;
}

export interface PendingSetup {
  secret: string;
  otpauthUri: string;
  expiresIn: number;
}

export interface TotpEnrolment {
  setup(caller: LiveSession, password: string, client: ClientContext): Promise<PendingSetup>;
  confirm(
    caller: LiveSession,
    code: string,
    client: ClientContext,
    signIn: Pick<SignInSteps, 'openSession'>,
  ): Promise<{ recoveryCodes: string[]; tokens: TokenPair }>;
}

export function createTotpEnrolment(deps: TotpEnrolmentDeps): TotpEnrolment {
  const { mfa, sealer, clock, audit } = deps;
  const now = () => new Date(clock.now());

  async function liveUser(caller: LiveSession): Promise<UserRecord> {
    const user = await deps.users.findLiveUserById(caller.user.id);
    if (!user) throw new AppError('SESSION_REVOKED', { reason: 'account_deleted' });
    return user;
  }

  /** The pending factor a confirmation confirms: there, unexpired, and not already live. */
  async function pendingFactorOf(userId: string): Promise<TotpFactorRecord> {
    const factor = await mfa.findFactor(userId);
    if (factor?.status === 'active') throw new AppError('MFA_ALREADY_ENABLED');
    const expired = (factor?.pendingUntil?.getTime() ?? 0) <= clock.now();
    if (!factor || expired) throw new AppError('MFA_SETUP_NOT_FOUND');
    return factor;
  }

  return {
    async setup(caller, password, client) {
      await deps.confirmPassword(caller, password, client);
      const user = await liveUser(caller);
      const secret = newTotpSecret();
      const createdAt = now();
      const saved = await mfa.savePendingFactor({
        id: randomUUID(),
        userId: user.id,
        sealedSecret: sealer.seal(secret, user.id),
        createdAt,
        pendingUntil: new Date(createdAt.getTime() + PENDING_SETUP_SECONDS * 1000),
      });
      if (saved.outcome === 'already-enabled') throw new AppError('MFA_ALREADY_ENABLED');
      audit.record('mfa.setup_started', {
        userId: user.id,
        sessionId: caller.session.id,
        ...client,
      });
      return {
        secret,
        otpauthUri: otpauthUri(secret, deps.issuer, user.email),
        expiresIn: PENDING_SETUP_SECONDS,
      };
    },

    async confirm(caller, code, client, signIn) {
      const user = await liveUser(caller);
      const factor = await pendingFactorOf(user.id);
      const secret = sealer.open(factor.sealedSecret, user.id);
      if (secret === undefined) throw new AppError('MFA_SETUP_NOT_FOUND'); // sealed under a key since dropped
      const step = await deps.check.matchPendingCode(user, secret, code, client);
      const codes = await newRecoveryCodes((text) => deps.hasher.hash(text));
      const activated = await mfa.activateFactor(user.id, factor.id, step, codes.stored, now());
      if (activated.outcome === 'not-found') throw new AppError('MFA_SETUP_NOT_FOUND');
      if (activated.outcome === 'already-enabled') throw new AppError('MFA_ALREADY_ENABLED');
      // Whoever was signed in with the password alone is signed out; the caller gets a session at aal2.
      const ended = await deps.sessions.revokeUserSessions(user.id, 'mfa_enabled', now());
      const tokens = await signIn.openSession(user, client, ['pwd', 'otp']);
      await deps.mail.queue(
        mfaEnabledMail(user.email),
        new Date(clock.now() + MFA_NOTICE_LIFETIME_MS),
      );
      audit.record('mfa.enabled', { userId: user.id, sessionsEnded: ended, ...client });
      return { recoveryCodes: codes.shown, tokens };
    },
  };
}
