// The second factor's routes, each declared once: Express mounts these entries and the API document is rendered from
// them. Everything that checks a password or a code counts against the login's per-IP budget.
import { doneResponse } from '../auth/auth-responses.js';
import { AUTH_BASE_PATH } from '../auth/base-path.js';
import type { HeaderDescription, Guard, RateLimit, Operation } from '../http/operation.js';
import { defineOperation } from '../http/operation.js';
import type { MfaController } from './mfa-controller.js';
import {
  mfaStatusResponse,
  recoveryCodesResponse,
  totpConfirmedResponse,
  totpSetupResponse,
} from './mfa-responses.js';
import {
  confirmTotpBody,
  loginMfaBody,
  passwordAndCodeBody,
  setupTotpBody,
} from './mfa-schemas.js';
import type { z } from 'zod';

export const MFA_TAG = {
  name: 'Two-step sign-in',
  description:
    'A second factor (TOTP, RFC 6238) after the password, with single-use recovery codes. Codes are accepted one ' +
    '30-second step either side of now, each step once; 10 wrong codes in 15 minutes lock the second step of the ' +
    'account (429 MFA_LOCKED with Retry-After) and mail the owner.',
};

export interface MfaOperationDeps {
  controller: MfaController;
  signedIn: Guard;
  /** Login's per-IP budget: every route here checks a password or a code. */
  limit: RateLimit;
  transport: 'body' | 'cookie';
  signedInBody: z.ZodType;
  cookieHeaders: readonly HeaderDescription[];
}

/** What a change that takes the password and a code answers besides success. */
const PASSWORD_AND_CODE_ERRORS = [
  'PASSWORD_INCORRECT',
  'TOO_MANY_REQUESTS',
  'MFA_SETUP_NOT_FOUND',
  'MFA_CODE_INVALID',
  'MFA_LOCKED',
] as const;

const PROOF =
  'Send `code` (6 digits from the app) or `recoveryCode` (one of the recovery codes, each good once), not both.';

export function mfaOperations(deps: MfaOperationDeps): Operation[] {
  const { controller, signedIn, limit } = deps;
  const tag = MFA_TAG.name;
  const base = `${AUTH_BASE_PATH}/mfa`;
  return [
    defineOperation({
      method: 'post',
      path: `${AUTH_BASE_PATH}/login/mfa`,
      operationId: 'loginMfa',
      summary: 'Finish a sign-in with a code',
      description:
        `The second step of signing in to an account with two-step sign-in. ${PROOF} A wrong code answers ` +
        'MFA_CODE_INVALID and counts against the mfaToken (burned after 5) and the account (locked after 10 in ' +
        '15 minutes). The answer is the login body, and the access token carries `amr: ["pwd","otp"]` and ' +
        '`aal: "aal2"`.',
      tag,
      limit,
      request: { body: loginMfaBody },
      success: { status: 200, description: 'Signed in.', json: deps.signedInBody },
      errors: ['MFA_TOKEN_INVALID', 'MFA_CODE_INVALID', 'MFA_LOCKED'],
      headers: deps.cookieHeaders,
      handle: controller.loginMfa,
    }),
    defineOperation({
      method: 'get',
      path: base,
      operationId: 'getMfaStatus',
      summary: 'Whether two-step sign-in is on, and how many recovery codes are left',
      description: 'Never shows the secret or a recovery code.',
      tag,
      guard: signedIn,
      request: {},
      success: { status: 200, description: 'The status.', json: mfaStatusResponse },
      errors: [],
      handle: controller.status,
    }),
    defineOperation({
      method: 'post',
      path: `${base}/totp/setup`,
      operationId: 'setupTotp',
      summary: 'Start turning on two-step sign-in',
      description:
        'Checks the password and makes a new TOTP secret, pending until confirmed (10 minutes). The secret and its ' +
        '`otpauth://` URI are shown here only; a second setup replaces a pending one.',
      tag,
      limit,
      guard: signedIn,
      request: { body: setupTotpBody },
      success: { status: 200, description: 'A pending factor.', json: totpSetupResponse },
      errors: ['PASSWORD_INCORRECT', 'TOO_MANY_REQUESTS', 'MFA_ALREADY_ENABLED'],
      handle: controller.setup,
    }),
    defineOperation({
      method: 'post',
      path: `${base}/totp/confirm`,
      operationId: 'confirmTotp',
      summary: 'Turn on two-step sign-in with a code from the app',
      description:
        'A code of the pending secret turns it on. Every session of the account ends, the caller gets a new pair ' +
        '(`amr: ["pwd","otp"]`, `aal2`), ten recovery codes are shown once, and the owner is mailed.',
      tag,
      limit,
      guard: signedIn,
      request: { body: confirmTotpBody },
      success: {
        status: 200,
        description: 'Two-step sign-in is on.',
        json: totpConfirmedResponse(deps.transport),
      },
      errors: ['MFA_SETUP_NOT_FOUND', 'MFA_ALREADY_ENABLED', 'MFA_CODE_INVALID', 'MFA_LOCKED'],
      headers: deps.cookieHeaders,
      handle: controller.confirm,
    }),
    defineOperation({
      method: 'post',
      path: `${base}/totp/disable`,
      operationId: 'disableTotp',
      summary: 'Turn off two-step sign-in',
      description: `Takes the password and a code. ${PROOF} Every other session ends; the owner is mailed.`,
      tag,
      limit,
      guard: signedIn,
      request: { body: passwordAndCodeBody },
      success: { status: 200, description: 'Two-step sign-in is off.', json: doneResponse },
      errors: PASSWORD_AND_CODE_ERRORS,
      handle: controller.disable,
    }),
    defineOperation({
      method: 'post',
      path: `${base}/recovery-codes/regenerate`,
      operationId: 'regenerateRecoveryCodes',
      summary: 'Replace the recovery codes',
      description: `Takes the password and a code. ${PROOF} The old codes stop working; the owner is mailed.`,
      tag,
      limit,
      guard: signedIn,
      request: { body: passwordAndCodeBody },
      success: { status: 200, description: 'New recovery codes.', json: recoveryCodesResponse },
      errors: PASSWORD_AND_CODE_ERRORS,
      handle: controller.regenerate,
    }),
  ];
}
