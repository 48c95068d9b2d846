// Sign-up, sign-in and the refresh-token flow, each operation declared once: Express mounts these entries and the API document
// is rendered from them. Refresh and logout take whatever the configured refresh-token transport reads.
import { defineOperation, type Operation } from '../http/operation.js';
import type { AuthController } from './auth-controller.js';
import type { AuthRateLimits } from './auth-rate-limits.js';
import { doneResponse, registeredResponse, tokenResponses } from './auth-responses.js';
import { loginBody, registerBody } from './auth-schemas.js';
import { AUTH_BASE_PATH } from './base-path.js';
import { BCRYPT_MAX_PASSWORD_BYTES } from './passwords/password-hasher.js';
import { PASSWORD_MIN_LENGTH } from './passwords/password-policy.js';
import type { RefreshTokenTransport } from './refresh-token-transport.js';

export const SIGN_IN_TAG = {
  name: 'Sign-in',
  description: 'Accounts, sign-in and the refresh-token flow.',
};

// What JSON Schema cannot say about a new account (the zod refinements), in words, from the policy's own numbers.
const REGISTRATION_RULES =
  'Email: trimmed and lower-cased. Name: 1-100 characters with a letter, and no `<`, `>`, control or invisible ' +
  `formatting characters. Password: at least ${PASSWORD_MIN_LENGTH} characters with a letter, a digit and a ` +
  `symbol, at most ${BCRYPT_MAX_PASSWORD_BYTES} bytes in UTF-8, and not guessable from the email or name.`;

export interface SignInOperationDeps {
  controller: AuthController;
  limits: AuthRateLimits;
  transport: RefreshTokenTransport;
  /** REQUIRE_EMAIL_VERIFICATION: login then refuses an unverified account, and the document says so. */
  requireEmailVerification: boolean;
}

const VERIFIED_ADDRESS_RULE =
  'On this server an account must have verified its address before it signs in: the right password on an ' +
  'unverified account is 403 EMAIL_NOT_VERIFIED (a wrong one is 401 INVALID_CREDENTIALS, as for every account, so ' +
  'the 403 tells nothing to anyone without the password).';

export function signInOperations(deps: SignInOperationDeps): Operation[] {
  const { controller, limits, transport } = deps;
  const tokens = tokenResponses(transport.mode);
  const cookie = transport.cookieName;
  const setsCookie = transport.cookieHeader ? [transport.cookieHeader] : [];
  const where =
    cookie !== undefined
      ? `Reads the refresh token from the \`${cookie}\` cookie; the body is \`{}\`. Two cookies of that ` +
        'name (one planted beside ours) are refused with 400 BAD_REQUEST, and nothing changes.'
      : 'Takes the refresh token in the body.';
  const pairDelivery =
    cookie !== undefined
      ? `The refresh token is set in the HttpOnly \`${cookie}\` cookie, never in the body.`
      : 'Keep the refresh token: it is single use, and each refresh returns its successor.';
  const tag = SIGN_IN_TAG.name;

  // In table order, which is matching order: the most requested first.
  return [
    defineOperation({
      method: 'post',
      path: `${AUTH_BASE_PATH}/refresh`,
      operationId: 'refresh',
      summary: 'Exchange a refresh token for a new pair',
      description:
        `${where} The token is used up. Presenting a used token again ends its whole session ` +
        `(REFRESH_TOKEN_REUSED). ${pairDelivery}`,
      tag,
      limit: limits.refresh,
      guard: transport.guard,
      request: { body: transport.bodySchema },
      success: { status: 200, description: 'A new token pair.', json: tokens.refresh },
      errors: [
        ...transport.readErrors,
        'REFRESH_TOKEN_INVALID',
        'REFRESH_TOKEN_EXPIRED',
        'REFRESH_TOKEN_REUSED',
        'SESSION_REVOKED',
      ],
      headers: setsCookie,
      handle: controller.refresh,
    }),
    defineOperation({
      method: 'post',
      path: `${AUTH_BASE_PATH}/register`,
      operationId: 'register',
      summary: 'Create an account',
      description: REGISTRATION_RULES,
      tag,
      limit: limits.register,
      request: { body: registerBody },
      success: { status: 201, description: 'Account created.', json: registeredResponse },
      errors: ['EMAIL_TAKEN'],
      handle: controller.register,
    }),
    defineOperation({
      method: 'post',
      path: `${AUTH_BASE_PATH}/login`,
      operationId: 'login',
      summary: 'Sign in: open a session and get a token pair',
      description: [
        `Each login opens a session (one per device). ${pairDelivery}`,
        'For an account with two-step sign-in, the right password answers `mfaRequired: true` with an ' +
          '`mfaToken` and no tokens: finish with POST /api/auth/login/mfa. While its second step is locked ' +
          '(10 wrong codes in 15 minutes) the right password answers 429 MFA_LOCKED with Retry-After; a wrong ' +
          'one is 401 INVALID_CREDENTIALS as always, so the lock tells nothing to anyone without the password.',
        ...(deps.requireEmailVerification ? [VERIFIED_ADDRESS_RULE] : []),
      ].join(' '),
      tag,
      limit: limits.login,
      request: { body: loginBody },
      success: {
        status: 200,
        description:
          'Signed in, or (two-step sign-in) the password was right and a code is needed.',
        json: tokens.login,
      },
      errors: [
        'INVALID_CREDENTIALS',
        'MFA_LOCKED',
        ...(deps.requireEmailVerification ? (['EMAIL_NOT_VERIFIED'] as const) : []),
      ],
      headers: setsCookie,
      handle: controller.login,
    }),
    defineOperation({
      method: 'post',
      path: `${AUTH_BASE_PATH}/logout`,
      operationId: 'logout',
      summary: "End the refresh token's session",
      description: `${where} Logging out an ended session again answers 200.`,
      tag,
      limit: limits.refresh,
      guard: transport.guard,
      request: { body: transport.bodySchema },
      success: { status: 200, description: 'Logged out.', json: doneResponse },
      errors: [
        ...transport.readErrors,
        'REFRESH_TOKEN_INVALID',
        'REFRESH_TOKEN_EXPIRED',
        'REFRESH_TOKEN_REUSED',
      ],
      headers: setsCookie,
      handle: controller.logout,
    }),
  ];
}
