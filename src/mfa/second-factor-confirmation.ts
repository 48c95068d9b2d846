// For flows outside the second factor's own routes that must not bypass it (a password reset): when the account has
// a live factor, a code is required (MFA_REQUIRED without one) and checked like any other.
import type { ClientContext } from '../auth/client-context.js';
import { AppError } from '../errors/app-error.js';
import type { MfaStore } from '../storage/ports/mfa-store.js';
import type { UserRecord } from '../storage/ports/user-store.js';
import type { SecondFactorCheck, SecondFactorProof } from './second-factor-check.js';

/**
 * Resolves when the account has no active factor, or `typed` proves it: six digits are a TOTP code, anything else a
 * recovery code. Throws MFA_REQUIRED, MFA_CODE_INVALID or MFA_LOCKED.
 */
export type SecondFactorConfirmation = (
  user: UserRecord,
  typed: string | undefined,
  client: ClientContext,
) => Promise<void>;

export const proofOf = (typed: string): SecondFactorProof =>
  /^[0-9]{6}$/.test(typed) ? { code: typed } : { recoveryCode: typed };

export function createSecondFactorConfirmation(
  mfa: Pick<MfaStore, 'findFactor'>,
  check: SecondFactorCheck,
): SecondFactorConfirmation {
  return async (user, typed, client) => {
    const factor = await mfa.findFactor(user.id);
    if (factor?.status !== 'active') return;
    if (typed === undefined) throw new AppError('MFA_REQUIRED');
    await check.verify(user, factor, proofOf(typed), client);
  };
}
