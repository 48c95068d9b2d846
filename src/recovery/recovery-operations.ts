// Account recovery's routes, each declared once: Express mounts these entries and the API document is rendered from
// them.
import { doneResponse } from '../auth/auth-responses.js';
import { AUTH_BASE_PATH } from '../auth/base-path.js';
import { defineOperation, type Operation, type RateLimit } from '../http/operation.js';
import type { RecoveryController } from './recovery-controller.js';
import { forgotPasswordBody, resetPasswordBody } from './recovery-schemas.js';

export const RECOVERY_TAG = {
  name: 'Recovery',
  description:
    'Getting back into an account: a password reset through a link mailed to its address.',
};

export interface RecoveryOperationDeps {
  controller: RecoveryController;
  limits: { forgot: RateLimit; reset: RateLimit };
}

export function recoveryOperations({ controller, limits }: RecoveryOperationDeps): Operation[] {
  const tag = RECOVERY_TAG.name;
  return [
    defineOperation({
      method: 'post',
      path: `${AUTH_BASE_PATH}/password/forgot`,
      operationId: 'forgotPassword',
      summary: 'Ask for a password-reset link',
      description:
        'Mails a reset link to the address if it belongs to an account. The answer is the same whether or not it ' +
        'does, and also when the address was sent a link in the last minute or five today (then no mail goes). ' +
        'The link opens `APP_URL/reset-password#token=…` and works once, for `PASSWORD_RESET_TTL`; a newer link ' +
        'makes older ones worthless.',
      tag,
      limit: limits.forgot,
      request: { body: forgotPasswordBody },
      success: {
        status: 202,
        description: 'Accepted; a mail may be on its way.',
        json: doneResponse,
      },
      errors: [],
      handle: controller.forgotPassword,
    }),
    defineOperation({
      method: 'post',
      path: `${AUTH_BASE_PATH}/password/reset`,
      operationId: 'resetPassword',
      summary: 'Set a new password with a reset link',
      description:
        'Sets the new password (the registration policy, without the guessability estimate), ends every session of ' +
        'the account, marks its address verified, lifts the login lock and mails a notice. No tokens are returned: ' +
        'sign in with the new password. Any token that is not a live reset token (unknown, used, expired, ' +
        'superseded, or for another purpose) is RESET_TOKEN_INVALID. For an account with two-step sign-in the ' +
        'reset also needs `mfaCode` (MFA_REQUIRED without it, MFA_CODE_INVALID when wrong, MFA_LOCKED after 10 ' +
        'wrong codes in 15 minutes); the link stays good until the reset goes through.',
      tag,
      limit: limits.reset,
      request: { body: resetPasswordBody },
      success: { status: 200, description: 'The password was reset.', json: doneResponse },
      errors: ['RESET_TOKEN_INVALID', 'MFA_REQUIRED', 'MFA_CODE_INVALID', 'MFA_LOCKED'],
      handle: controller.resetPassword,
    }),
  ];
}
