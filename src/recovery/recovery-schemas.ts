// The request bodies of the recovery routes, as strict zod schemas; request types are inferred from them.
import { z } from 'zod';
import { emailField, loginPasswordField, newPasswordField } from '../auth/auth-schemas.js';
import { normalizeRecoveryCode } from '../mfa/recovery-codes.js';

/** The token of a mailed link: everything after `#token=`. Its shape is checked by the service, like its worth. */
const linkTokenField = (link: string) =>
  z
    .string({
      error: (issue) =>
        issue.input === undefined ? 'Token is required.' : 'Token must be a string.',
    })
    .max(200, 'Token must be at most 200 characters.')
    .describe(`The token from the ${link} link: everything after \`#token=\`.`);

export const forgotPasswordBody = z.strictObject({ email: emailField });

export const resetPasswordBody = z.strictObject({
  token: linkTokenField('reset'),
  newPassword: newPasswordField,
  mfaCode: z
    .string('mfaCode must be a string.')
    .min(1, 'mfaCode must not be empty.')
    .max(64, 'mfaCode must be at most 64 characters.')
    .refine(
      (typed) => /^[0-9]{6}$/.test(typed) || normalizeRecoveryCode(typed) !== undefined,
      'mfaCode must be the 6 digits the authenticator app shows, or a recovery code.',
    )
    .optional()
    .describe(
      'For an account with two-step sign-in (required then): the 6 digits the authenticator app shows, or one ' +
        'of the recovery codes.',
    ),
});

export const verifyEmailBody = z.strictObject({ token: linkTokenField('verification') });

export const resendVerificationBody = z.strictObject({
  email: emailField
    .optional()
    .describe(
      'The address to mail, when the request carries no access token (then it is required).',
    ),
});

export const changeEmailBody = z.strictObject({
  newEmail: emailField.describe(
    'The address to move the account to; a link to confirm is mailed there.',
  ),
  password: loginPasswordField.describe("The account's current password."),
});

export const confirmEmailChangeBody = z.strictObject({ token: linkTokenField('confirmation') });

export type ResetPasswordInput = z.output<typeof resetPasswordBody>;
export type ResendVerificationInput = z.output<typeof resendVerificationBody>;
export type ChangeEmailInput = z.output<typeof changeEmailBody>;
