// The response bodies of the second factor's routes, described once as zod schemas: the API document is generated
// from them, and the API tests check every answer against them.
import { z } from 'zod';
import { cookieTokenPairSchema, successBody, tokenPairSchema } from '../auth/auth-responses.js';
import { RECOVERY_CODE_COUNT } from './recovery-codes.js';

const recoveryCodes = z
  .array(z.string().regex(/^[0-9a-z]{4}(-[0-9a-z]{4}){3}$/))
  .length(RECOVERY_CODE_COUNT)
  .describe(
    'Shown this once and never again: each signs in once in place of a code (lost phone). Store them offline.',
  );

export const mfaStatusResponse = successBody(
  z.object({
    enabled: z.boolean().describe('Whether signing in asks for a code after the password.'),
    methods: z
      .array(z.enum(['totp', 'recovery_code']))
      .describe('What finishes a sign-in: empty while two-step sign-in is off.'),
    enabledAt: z.iso.datetime().nullable().describe('When it was turned on.'),
    recoveryCodesRemaining: z.int().min(0).max(RECOVERY_CODE_COUNT),
    pendingSetup: z
      .boolean()
      .describe(
        'A setup is waiting for its confirming code (it expires 10 minutes after it began).',
      ),
  }),
  { message: false },
);

export const totpSetupResponse = successBody(
  z.object({
    secret: z
      .string()
      .describe(
        'The TOTP secret in base32 (20 bytes), for typing into the app by hand. Shown only here.',
      ),
    otpauthUri: z
      .string()
      .describe(
        '`otpauth://totp/…` with the secret, SHA1, 6 digits, 30 s: show it as a QR code for the app to scan.',
      ),
    expiresIn: z.int().positive().describe('Seconds left to confirm with a code.'),
  }),
  { message: true },
);

/** Confirmation re-issues the caller's session: the pair as the refresh-token transport delivers it. */
export function totpConfirmedResponse(transport: 'body' | 'cookie') {
  const pair = transport === 'body' ? tokenPairSchema : cookieTokenPairSchema;
  return successBody(z.object({ recoveryCodes, ...pair.shape }), { message: true });
}

export const recoveryCodesResponse = successBody(z.object({ recoveryCodes }), { message: true });
