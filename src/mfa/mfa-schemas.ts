// The request bodies of the second factor's routes, as strict zod schemas; request types are inferred from them. A
// code is six ASCII digits and nothing else (no spaces, no other scripts' digits, no number type): anything else is
// refused here, before it reaches a counter or a compare.
import { z } from 'zod';
import { loginPasswordField } from '../auth/auth-schemas.js';
import { normalizeRecoveryCode } from './recovery-codes.js';
import type { SecondFactorProof } from './second-factor-check.js';

const textField = (field: string) =>
  z.string({
    error: (issue) =>
      issue.input === undefined ? `${field} is required.` : `${field} must be a string.`,
  });

export const totpCodeField = textField('Code')
  .regex(/^[0-9]{6}$/, 'Code must be the 6 digits the authenticator app shows.')
  .describe('The 6-digit code the authenticator app shows now.');

const recoveryCodeField = textField('Recovery code')
  .max(64, 'Recovery code must be at most 64 characters.')
  // Refused here when it cannot be one of ours (a typo of the shape): only a well-formed guess is counted.
  .refine(
    (typed) => normalizeRecoveryCode(typed) !== undefined,
    'Recovery code must be 16 letters and digits as shown (xxxx-xxxx-xxxx-xxxx).',
  )
  .describe('One of the recovery codes shown at enrolment; case, dashes and spaces are ignored.');

const mfaTokenField = textField('mfaToken')
  .min(1, 'mfaToken is required.')
  .max(100, 'mfaToken must be at most 100 characters.')
  .describe('The `mfaToken` the login answered.');

const proofFields = {
  code: totpCodeField.optional(),
  recoveryCode: recoveryCodeField
    .optional()
    .describe('Instead of `code`: one of the recovery codes (each works once).'),
};

type ProofFields = { code?: string | undefined; recoveryCode?: string | undefined };

const hasOneProof = (body: ProofFields) =>
  (body.code === undefined) !== (body.recoveryCode === undefined);
const ONE_PROOF = { message: 'Send either code or recoveryCode (one of them).', path: ['code'] };

/** The two optional fields, handed on as the one proof they hold. */
function toProof<Body extends ProofFields>({
  code,
  recoveryCode,
  ...rest
}: Body): Omit<Body, keyof ProofFields> & { proof: SecondFactorProof } {
  return { ...rest, proof: code !== undefined ? { code } : { recoveryCode: recoveryCode ?? '' } };
}

export const loginMfaBody = z
  .strictObject({ mfaToken: mfaTokenField, ...proofFields })
  .refine(hasOneProof, ONE_PROOF)
  .transform(toProof);

export const setupTotpBody = z.strictObject({
  password: loginPasswordField.describe("The account's current password."),
});

export const confirmTotpBody = z.strictObject({ code: totpCodeField });

/** Turning the factor off and making new recovery codes both take the password and a code. */
export const passwordAndCodeBody = z
  .strictObject({
    password: loginPasswordField.describe("The account's current password."),
    ...proofFields,
  })
  .refine(hasOneProof, ONE_PROOF)
  .transform(toProof);

export type LoginMfaInput = z.output<typeof loginMfaBody>;
export type PasswordAndCodeInput = z.output<typeof passwordAndCodeBody>;
