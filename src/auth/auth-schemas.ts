// The request bodies of the auth routes, described once: validation, request types and (later) the API document
// all come from here.
import { z } from 'zod';
import { passwordGuessabilityProblems } from './passwords/password-guessability.js';
import { BCRYPT_MAX_PASSWORD_BYTES } from './passwords/password-hasher.js';
import {
  containsControlCharacter,
  CONTROL_CHARACTER_PROBLEM,
  passwordPolicyProblems,
} from './passwords/password-policy.js';

// A lone UTF-16 surrogate is not text: stored or hashed, it would silently become U+FFFD, so two different
// inputs could end up equal.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

const requiredString = (field: string) =>
  z
    .string({
      error: (issue) =>
        issue.input === undefined ? `${field} is required.` : `${field} must be a string.`,
    })
    .refine((text) => !LONE_SURROGATE.test(text), `${field} must be valid Unicode text.`);

/** Normalized for storage and lookup: NFC, trimmed, lower-cased. At most 254 characters (RFC 5321). */
export const emailField = requiredString('Email')
  .max(254, 'Email must be at most 254 characters.')
  .normalize('NFC')
  .trim()
  .toLowerCase()
  .pipe(z.email('Email must be a valid email address.'));

// Markup, control characters, line breaks and invisible formatting characters (bidirectional overrides, zero-width
// spaces, Hangul fillers), which can disguise text, have no place in a name. Letters of any script, apostrophes,
// hyphens, and the joiners some scripts need (U+200C, U+200D) do.
const FORBIDDEN_IN_NAME =
  /[<>\p{Cc}\p{Zl}\p{Zp}\u115F\u1160\u3164\uFFA0]|(?![\u200C\u200D])\p{Cf}/u;
const FORBIDDEN_IN_NAME_MESSAGE =
  'Name must not contain < or >, control characters, line breaks or invisible formatting characters.';

// Private-use characters render as whatever a font puts there, and unassigned code points (noncharacters included)
// as nothing yet; either can make a stored name look like another.
const UNUSUAL_IN_NAME = /[\p{Co}\p{Cn}]/u;
// More marks on one character than any script needs (Vietnamese, Hebrew points and Indic vowel signs use two or
// three): a stack of them paints over the text around it.
const MOST_MARKS_ON_ONE_CHARACTER = 4;
const STACKED_MARKS = new RegExp(`\\p{M}{${String(MOST_MARKS_ON_ONE_CHARACTER + 1)}}`, 'u');
const NAME_MAX_LENGTH = 100;
/** Longer than any name can be before NFC and trimming; refused before normalizing, which is quadratic in marks. */
const NAME_MAX_RAW_LENGTH = 400;
const NAME_TOO_LONG = `Name must be at most ${String(NAME_MAX_LENGTH)} characters.`;

export const nameField = requiredString('Name')
  .max(NAME_MAX_RAW_LENGTH, { message: NAME_TOO_LONG, abort: true })
  .normalize('NFC')
  .trim()
  .min(1, 'Name must not be empty.')
  .max(NAME_MAX_LENGTH, NAME_TOO_LONG)
  .refine((name) => !FORBIDDEN_IN_NAME.test(name), FORBIDDEN_IN_NAME_MESSAGE)
  .refine(
    (name) => !UNUSUAL_IN_NAME.test(name),
    'Name must not contain private-use or unassigned characters.',
  )
  .refine(
    // Counted decomposed: "é" and four more accents is five marks on one letter.
    (name) => !STACKED_MARKS.test(name.normalize('NFD')),
    `Name must not stack more than ${String(MOST_MARKS_ON_ONE_CHARACTER)} combining marks on one character.`,
  )
  .refine((name) => /\p{L}/u.test(name), 'Name must contain a letter.');

/**
 * No password of at most 72 UTF-8 bytes in NFC is this long before normalization. Longer text is refused before it
 * is normalized: NFC's reordering of a long run of combining marks takes quadratic time.
 */
const PASSWORD_MAX_LENGTH = 1024;

/**
 * A password as the hash sees it: NFC, so one password typed composed or decomposed is the same bytes to bcrypt
 * (DESIGN §4). Every route that takes a password reads it through this.
 */
const passwordText = (tooLongMessage: string) =>
  requiredString('Password')
    .max(PASSWORD_MAX_LENGTH, { message: tooLongMessage, abort: true })
    .normalize('NFC');

export const newPasswordField = passwordText(
  `Password must be at most ${BCRYPT_MAX_PASSWORD_BYTES} bytes (UTF-8).`,
).superRefine((password, ctx) => {
  for (const problem of passwordPolicyProblems(password))
    ctx.addIssue({ code: 'custom', message: problem });
});

/**
 * At login only presence, a sane bound and the absence of control characters are checked (none can be in a
 * password set since, and NUL would reach bcrypt): the rest of the policy may have changed since the account was
 * made. The same holds wherever a signed-in user confirms the current password.
 */
export const loginPasswordField = passwordText(
  `Password must be at most ${PASSWORD_MAX_LENGTH} characters.`,
)
  .min(1, 'Password is required.')
  .refine((password) => !containsControlCharacter(password), CONTROL_CHARACTER_PROBLEM);

const refreshTokenField = requiredString('Refresh token')
  .min(1, 'Refresh token is required.')
  .max(2048, 'Refresh token must be at most 2048 characters.');

export const registerBody = z
  .strictObject({
    email: emailField,
    password: newPasswordField,
    name: nameField,
  })
  .superRefine(
    (account, ctx) => {
      for (const message of passwordGuessabilityProblems(account.password, account)) {
        ctx.addIssue({ code: 'custom', path: ['password'], message });
      }
    },
    // The estimate is the one expensive check (DESIGN §4): it runs only on a body that passed every cheap one, so
    // a hostile body (a huge password, a thousand unknown fields) costs no more than the cheap checks.
    { when: (payload) => payload.issues.length === 0 },
  );

export const loginBody = z.strictObject({
  email: emailField,
  password: loginPasswordField,
  deviceToken: z
    .string('Device token must be a string.')
    .max(100, 'Device token must be at most 100 characters.')
    .optional()
    .describe(
      'The `deviceToken` an earlier login on this device returned: failed logins with it count against this ' +
        'device alone, so an attacker elsewhere cannot lock it out. An invalid one is ignored.',
    ),
});

/** Refresh and logout in body mode; in cookie mode they take an empty body and read the cookie. */
export const refreshBody = z.strictObject({ refreshToken: refreshTokenField });

export const emptyBody = z.strictObject({});

export const listSessionsQuery = z.strictObject({
  include: z
    .literal('revoked')
    .optional()
    .describe('`revoked` adds the sessions ended in the last 7 days, with when and why.'),
});
export type ListSessionsQuery = z.infer<typeof listSessionsQuery>;

export const changePasswordBody = z
  .strictObject({
    currentPassword: loginPasswordField,
    newPassword: newPasswordField,
  })
  .refine((body) => body.newPassword !== body.currentPassword, {
    path: ['newPassword'],
    message: 'New password must differ from the current one.',
  });

export const deleteAccountBody = z.strictObject({ password: loginPasswordField });

export const sessionIdParams = z.strictObject({
  id: z.uuid('Session id must be a session id (a UUID).'),
});

export type RegisterInput = z.output<typeof registerBody>;
export type LoginInput = z.output<typeof loginBody>;
export type ChangePasswordInput = z.output<typeof changePasswordBody>;
