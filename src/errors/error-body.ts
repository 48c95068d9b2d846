// The one error shape every refusal leaves in, described once as a zod schema for the API document and the tests
// that check answers against it.
import { z } from 'zod';
import type { ErrorDetail } from './app-error.js';
import { ERROR_CATALOGUE, type ErrorCode } from './error-catalogue.js';

export const ERROR_CODES = Object.keys(ERROR_CATALOGUE) as [ErrorCode, ...ErrorCode[]];

export const errorDetailSchema = z.object({
  path: z.string().describe('The field, e.g. `email`, `query.x` or `params.id`.'),
  message: z.string(),
});

export const errorBody = z
  .object({
    success: z.literal(false),
    message: z.string().describe('Human-readable; may change. Program against `error`.'),
    error: z.enum(ERROR_CODES).describe('The stable code; its HTTP status never varies.'),
    reason: z
      .string()
      .optional()
      .describe(
        'With `SESSION_REVOKED`: why the session ended (`logout`, `logout_all`, `refresh_token_reused`, ' +
          '`password_changed`, `password_reset`, `email_changed`, `account_deleted`), so a client can tell ' +
          '"signed out for your security" from "you signed out" and stop retrying.',
      ),
    details: z.array(errorDetailSchema).optional().describe('Every problem, on validation errors.'),
  })
  .describe('The one shape of every error answer.');

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
/** The error handler builds details as ErrorDetail: the schema must describe exactly that. */
export type ErrorSchemaMatchesItsType = Assert<
  Same<z.output<typeof errorDetailSchema>, ErrorDetail>
>;
