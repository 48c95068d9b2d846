// Sign-in in two steps for an account with a second factor (DESIGN section 11). After the right password, auth asks
// the gate, which answers with an mfaToken instead of tokens; the second step spends that token with a code. The
// token is single use, short-lived and burned after 5 wrong codes, and every code counts against the account's lock.
import { randomUUID } from 'node:crypto';
import type { SignInSteps } from '../auth/auth-feature.js';
import type { SignedIn } from '../auth/auth-service.js';
import type { ClientContext } from '../auth/client-context.js';
import type { SecondFactorGate } from '../auth/second-factor-gate.js';
import type { Clock } from '../clock.js';
import { AppError } from '../errors/app-error.js';
import type { AuditLog } from '../observability/audit-log.js';
import type { MfaStore } from '../storage/ports/mfa-store.js';
import type { UserStore } from '../storage/ports/user-store.js';
import { hashMfaToken, newMfaToken } from './mfa-challenge-token.js';
import type { MfaLock } from './mfa-lock.js';
import type { LoginMfaInput } from './mfa-schemas.js';
import { lockedError, type SecondFactorCheck } from './second-factor-check.js';

/** Wrong codes one mfaToken takes before it is burned (the account's lock counts them too). */
export const MFA_TOKEN_MAX_FAILURES = 5;

export interface MfaLoginDeps {
  mfa: MfaStore;
  users: Pick<UserStore, 'findLiveUserById'>;
  check: SecondFactorCheck;
  lock: MfaLock;
  clock: Clock;
  audit: AuditLog;
  challengeTtlSeconds: number;
}

export interface MfaLogin {
  /** For auth: the challenge of an account with an active factor, after its right password. */
  gate: SecondFactorGate;
  /** The second step: a live mfaToken and a right code finish the sign-in. */
  finish(input: LoginMfaInput, client: ClientContext, signIn: SignInSteps): Promise<SignedIn>;
}

export function createMfaLogin(deps: MfaLoginDeps): MfaLogin {
  const { mfa, clock, audit } = deps;
  const now = () => new Date(clock.now());

  return {
    gate: {
      async challenge(user, deviceId, client) {
        const factor = await mfa.findFactor(user.id);
        if (factor?.status !== 'active') return undefined;
        const lockedFor = await deps.lock.lockedFor(user.id);
        if (lockedFor !== undefined) {
          audit.record('mfa.failed', { userId: user.id, reason: 'locked', ...client });
          throw lockedError(lockedFor);
        }
        const { token, tokenHash } = newMfaToken();
        const createdAt = now();
        const expiresAt = new Date(createdAt.getTime() + deps.challengeTtlSeconds * 1000);
        await mfa.createChallenge({
          id: randomUUID(),
          userId: user.id,
          tokenHash,
          createdAt,
          expiresAt,
          deviceId: deviceId ?? null,
        });
        audit.record('mfa.challenged', { userId: user.id, ...client });
        return {
          mfaRequired: true,
          mfaToken: token,
          methods: ['totp', 'recovery_code'],
          expiresIn: deps.challengeTtlSeconds,
        };
      },
    },

    async finish({ mfaToken, proof }, client, signIn) {
      const tokenHash = hashMfaToken(mfaToken);
      const challenge =
        tokenHash === undefined
          ? undefined
          : await mfa.findLiveChallenge(tokenHash, now(), MFA_TOKEN_MAX_FAILURES);
      if (tokenHash === undefined || challenge === undefined)
        throw new AppError('MFA_TOKEN_INVALID');
      const user = await deps.users.findLiveUserById(challenge.userId);
      const factor = await mfa.findFactor(challenge.userId);
      // The account was deleted, or its factor turned off, since the password step: sign in again.
      if (!user || factor?.status !== 'active') throw new AppError('MFA_TOKEN_INVALID');
      // The mfaToken is claimed once the code matched and before the code is spent: two requests racing on one
      // token spend one code between them, and a lost race counts as no wrong code.
      const claim = () => mfa.consumeChallenge(tokenHash, now(), MFA_TOKEN_MAX_FAILURES);
      try {
        await deps.check.verify(user, factor, proof, client, claim);
      } catch (error) {
        if (error instanceof AppError && error.code === 'MFA_CODE_INVALID') {
          await mfa.recordChallengeFailure(tokenHash, now(), MFA_TOKEN_MAX_FAILURES);
        }
        throw error;
      }
      return signIn.completeSignIn(user, client, ['pwd', 'otp'], challenge.deviceId ?? undefined);
    },
  };
}
