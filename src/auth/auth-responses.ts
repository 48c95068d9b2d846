// The response bodies of the auth routes, described once as zod schemas: the API document is generated from them,
// and the API tests check every answer against them. They describe what the controllers send; they validate nothing
// at run time.
import { REVOCATION_REASONS } from '../storage/ports/session-store.js';
import { z } from 'zod';

/** `{success: true, message?, data}`: the message only where the controller sends one, so both shapes stay exact. */
export function successBody<Data extends z.ZodType>(data: Data, options: { message: boolean }) {
  const envelope = { success: z.literal(true), data };
  return options.message
    ? z.object({ ...envelope, message: z.string().describe('A short human-readable summary.') })
    : z.object(envelope);
}

const timestamp = z.iso.datetime().describe('ISO 8601, UTC.');

export const publicUserSchema = z
  .object({
    id: z.uuid(),
    email: z.string().describe('Trimmed, NFC-normalized and lower-cased.'),
    emailVerified: z
      .boolean()
      .describe(
        'Whether a link mailed to `email` was opened (or a password reset went through it).',
      ),
    name: z.string(),
    role: z.enum(['user', 'admin']),
    createdAt: timestamp,
  })
  .describe('The user as the API shows it: never the password hash or internal fields.');

const seconds = z.int().nonnegative();

/** Body transport: the whole pair travels in JSON. */
export const tokenPairSchema = z.object({
  accessToken: z
    .string()
    .describe(
      'A JWT; send it as `Authorization: Bearer <token>`. Its `amr` says how the login was authenticated ' +
        '(`["pwd"]`, or `["pwd","otp"]` with the second factor) and `aal` the level that reaches (`aal1`, `aal2`).',
    ),
  refreshToken: z
    .string()
    .describe('A JWT (HS256); single use: each refresh returns its successor.'),
  tokenType: z.literal('Bearer'),
  expiresIn: seconds.describe('Seconds until the access token expires.'),
  refreshExpiresIn: seconds.describe('Seconds until the refresh token expires.'),
});

/** Cookie transport: the refresh token travels only in the HttpOnly cookie, never in JSON. */
export const cookieTokenPairSchema = tokenPairSchema.omit({ refreshToken: true });

export const sessionSchema = z.object({
  id: z.uuid(),
  createdAt: timestamp,
  lastUsedAt: timestamp,
  userAgent: z.string().nullable(),
  ip: z.string().nullable(),
  current: z.boolean().describe("True on the caller's own session."),
  revokedAt: timestamp
    .nullable()
    .optional()
    .describe('With `include=revoked`: when the session ended; null while it is live.'),
  revokedReason: z
    .enum(REVOCATION_REASONS)
    .nullable()
    .optional()
    .describe(
      'With `include=revoked`: why it ended. `refresh_token_reused`: a refresh token of it was used ' +
        'again after it had been replaced (a copy may have been stolen), so it was ended for the owner.',
    ),
});

export const userResponse = successBody(z.object({ user: publicUserSchema }), { message: false });
export const registeredResponse = successBody(z.object({ user: publicUserSchema }), {
  message: true,
});
export const sessionsResponse = successBody(
  z.object({
    sessions: z
      .array(sessionSchema)
      .describe(
        'The live sessions, most recently used first; with `include=revoked`, then the sessions ended in ' +
          'the last 7 days, most recently ended first.',
      ),
  }),
  { message: false },
);
export const sessionsEndedResponse = successBody(
  z.object({ sessionsEnded: z.int().nonnegative() }),
  { message: true },
);
/** Logout, ending a session, changing the password, deleting the account: a message and empty data. */
export const doneResponse = successBody(z.object({}), { message: true });

/** A login of an account with a second factor, after the right password: no tokens yet, a step to finish. */
export const mfaChallengeSchema = z.object({
  mfaRequired: z.literal(true),
  mfaToken: z
    .string()
    .describe(
      'Send it to POST /api/auth/login/mfa with a code. Single use, good for `expiresIn` seconds and for 5 ' +
        'wrong codes; not a JWT, and useless as a Bearer or refresh token.',
    ),
  methods: z
    .array(z.enum(['totp', 'recovery_code']))
    .describe('What finishes it: `totp` (`code`) or `recovery_code` (`recoveryCode`).'),
  expiresIn: seconds.describe('Seconds until the mfaToken expires.'),
});

/** Login and refresh answers for the configured refresh-token transport. */
export function tokenResponses(transport: 'body' | 'cookie') {
  const pair = transport === 'body' ? tokenPairSchema : cookieTokenPairSchema;
  const signedIn = z.object({
    user: publicUserSchema,
    ...pair.shape,
    deviceToken: z
      .string()
      .describe(
        'Keep it and send it with the next login from this device: failed logins that carry it count against ' +
          'this device alone, so an attacker elsewhere cannot lock it out.',
      ),
  });
  return {
    /** What finishes a sign-in: the second step answers this too. */
    signedIn: successBody(signedIn, { message: false }),
    login: successBody(z.union([signedIn, mfaChallengeSchema]), { message: false }),
    refresh: successBody(pair, { message: false }),
  };
}
