// The /api/auth operations as the API document describes them. Bodies and parameters are the schemas the controllers
// validate with; refresh and logout take whatever the configured refresh-token transport reads.
import {
  doneResponse,
  registeredResponse,
  sessionsEndedResponse,
  sessionsResponse,
  tokenResponses,
  userResponse,
} from '../auth/auth-responses.js';
import {
  changePasswordBody,
  deleteAccountBody,
  emptyBody,
  loginBody,
  registerBody,
  sessionIdParams,
} from '../auth/auth-schemas.js';
import { BCRYPT_MAX_PASSWORD_BYTES } from '../auth/passwords/password-hasher.js';
import { PASSWORD_MIN_LENGTH } from '../auth/passwords/password-policy.js';
import type { RefreshTokenTransport } from '../auth/refresh-token-transport.js';
import type { ApiOperation } from './api-operation.js';

const BASE = '/api/auth';

// What JSON Schema cannot say about a new account (the zod refinements), in words, from the policy's own numbers.
const REGISTRATION_RULES =
  'Email: trimmed and lower-cased. Name: 1-100 characters with a letter, and no `<`, `>`, control or invisible ' +
  `formatting characters. Password: at least ${PASSWORD_MIN_LENGTH} characters with a letter, a digit and a ` +
  `symbol, at most ${BCRYPT_MAX_PASSWORD_BYTES} bytes in UTF-8, and not guessable from the email or name.`;

/** What refresh and logout need to say about where the refresh token travels. */
function refreshTokenInput(transport: RefreshTokenTransport) {
  const cookieMode = transport.mode === 'cookie';
  return {
    credentials: cookieMode ? ('refreshCookie' as const) : ('none' as const),
    body: transport.bodySchema,
    where: cookieMode
      ? 'Reads the refresh token from the `refresh_token` cookie; the body is `{}`.'
      : 'Takes the refresh token in the body.',
  };
}

export function authOperations(transport: RefreshTokenTransport): ApiOperation[] {
  const tokens = tokenResponses(transport.mode);
  const refreshInput = refreshTokenInput(transport);
  const pairDelivery =
    transport.mode === 'cookie'
      ? 'The refresh token is set in the HttpOnly `refresh_token` cookie, never in the body.'
      : 'Keep the refresh token: it is single use, and each refresh returns its successor.';
  return [
    {
      method: 'post',
      path: `${BASE}/register`,
      operationId: 'register',
      summary: 'Create an account',
      description: REGISTRATION_RULES,
      tag: 'Sign-in',
      credentials: 'none',
      rateLimit: 'register',
      body: registerBody,
      success: { status: 201, description: 'Account created.', json: registeredResponse },
      errors: ['VALIDATION_ERROR', 'EMAIL_TAKEN'],
    },
    {
      method: 'post',
      path: `${BASE}/login`,
      operationId: 'login',
      summary: 'Sign in: open a session and get a token pair',
      description: `Each login opens a session (one per device). ${pairDelivery}`,
      tag: 'Sign-in',
      credentials: 'none',
      rateLimit: 'login',
      body: loginBody,
      setsRefreshCookie: true,
      success: { status: 200, description: 'Signed in.', json: tokens.login },
      errors: ['VALIDATION_ERROR', 'INVALID_CREDENTIALS'],
    },
    {
      method: 'post',
      path: `${BASE}/refresh`,
      operationId: 'refresh',
      summary: 'Exchange a refresh token for a new pair',
      description:
        `${refreshInput.where} The token is used up. Presenting a used token again ends its whole session ` +
        `(REFRESH_TOKEN_REUSED). ${pairDelivery}`,
      tag: 'Sign-in',
      credentials: refreshInput.credentials,
      rateLimit: 'refresh',
      body: refreshInput.body,
      setsRefreshCookie: true,
      success: { status: 200, description: 'A new token pair.', json: tokens.refresh },
      errors: [
        'VALIDATION_ERROR',
        'REFRESH_TOKEN_INVALID',
        'REFRESH_TOKEN_EXPIRED',
        'REFRESH_TOKEN_REUSED',
        'SESSION_REVOKED',
      ],
    },
    {
      method: 'post',
      path: `${BASE}/logout`,
      operationId: 'logout',
      summary: "End the refresh token's session",
      description: `${refreshInput.where} Logging out an ended session again answers 200.`,
      tag: 'Sign-in',
      credentials: refreshInput.credentials,
      rateLimit: 'refresh',
      body: refreshInput.body,
      setsRefreshCookie: true,
      success: { status: 200, description: 'Logged out.', json: doneResponse },
      errors: [
        'VALIDATION_ERROR',
        'REFRESH_TOKEN_INVALID',
        'REFRESH_TOKEN_EXPIRED',
        'REFRESH_TOKEN_REUSED',
      ],
    },
    {
      method: 'get',
      path: `${BASE}/profile`,
      operationId: 'getProfile',
      summary: 'The signed-in user',
      tag: 'Account',
      credentials: 'accessToken',
      rateLimit: 'api',
      success: { status: 200, description: 'The user.', json: userResponse },
      errors: ['VALIDATION_ERROR'],
    },
    {
      method: 'get',
      path: `${BASE}/sessions`,
      operationId: 'listSessions',
      summary: "The caller's live sessions",
      tag: 'Account',
      credentials: 'accessToken',
      rateLimit: 'api',
      success: { status: 200, description: 'Most recently used first.', json: sessionsResponse },
      errors: ['VALIDATION_ERROR'],
    },
    {
      method: 'delete',
      path: `${BASE}/sessions/{id}`,
      operationId: 'endSession',
      summary: "End one of the caller's sessions",
      description: "Its tokens stop working at once. Another user's session, or an ended one: 404.",
      tag: 'Account',
      credentials: 'accessToken',
      rateLimit: 'api',
      params: sessionIdParams,
      setsRefreshCookie: true,
      success: { status: 200, description: 'Session ended.', json: doneResponse },
      errors: ['VALIDATION_ERROR', 'NOT_FOUND'],
    },
    {
      method: 'post',
      path: `${BASE}/logout-all`,
      operationId: 'logoutAll',
      summary: "End every session of the caller's, this one included",
      tag: 'Account',
      credentials: 'accessToken',
      rateLimit: 'api',
      body: emptyBody,
      setsRefreshCookie: true,
      success: { status: 200, description: 'Sessions ended.', json: sessionsEndedResponse },
      errors: ['VALIDATION_ERROR'],
    },
    {
      method: 'post',
      path: `${BASE}/change-password`,
      operationId: 'changePassword',
      summary: 'Change the password; every other session ends',
      description:
        'The new password follows the registration policy and must differ from the current one. A wrong ' +
        'current password counts toward the account lock, and the route counts against the login limit.',
      tag: 'Account',
      credentials: 'accessToken',
      rateLimit: 'login',
      body: changePasswordBody,
      success: { status: 200, description: 'Password changed.', json: doneResponse },
      errors: ['VALIDATION_ERROR', 'PASSWORD_INCORRECT'],
    },
    {
      method: 'delete',
      path: `${BASE}/account`,
      operationId: 'deleteAccount',
      summary: 'Delete the account; every session ends',
      description:
        'The account is soft-deleted; its email can register again. A wrong password counts toward the ' +
        'account lock, and the route counts against the login limit.',
      tag: 'Account',
      credentials: 'accessToken',
      rateLimit: 'login',
      body: deleteAccountBody,
      setsRefreshCookie: true,
      success: { status: 200, description: 'Account deleted.', json: doneResponse },
      errors: ['VALIDATION_ERROR', 'PASSWORD_INCORRECT'],
    },
  ];
}
