// The request bodies of the recovery routes, as strict zod schemas; request types are inferred from them.
import { z } from 'zod';
import { emailField, newPasswordField } from '../auth/auth-schemas.js';

export const forgotPasswordBody = z.strictObject({ email: emailField });

export const resetPasswordBody = z.strictObject({
  token: z
    .string({
      error: (issue) =>
        issue.input === undefined ? 'Token is required.' : 'Token must be a string.',
    })
    .max(200, 'Token must be at most 200 characters.')
    .describe('The token from the reset link: everything after `#token=`.'),
  newPassword: newPasswordField,
});

export type ResetPasswordInput = z.output<typeof resetPasswordBody>;
