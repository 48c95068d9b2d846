// Every error code the API can answer with, and the one place that owns its HTTP status and default message.

export const ERROR_CATALOGUE = {
  BAD_REQUEST: { status: 400, message: 'The request could not be understood.' },
  VALIDATION_ERROR: { status: 400, message: 'The request is invalid.' },
  MALFORMED_JSON: { status: 400, message: 'The request body is not valid JSON.' },
  INVALID_CREDENTIALS: { status: 401, message: 'The email or password is incorrect.' },
  TOKEN_MISSING: { status: 401, message: 'An access token is required.' },
  TOKEN_INVALID: { status: 401, message: 'The access token is invalid.' },
  TOKEN_EXPIRED: { status: 401, message: 'The access token has expired.' },
  REFRESH_TOKEN_INVALID: { status: 401, message: 'The refresh token is invalid.' },
  REFRESH_TOKEN_EXPIRED: { status: 401, message: 'The refresh token has expired; sign in again.' },
  REFRESH_TOKEN_REUSED: {
    status: 401,
    message: 'The refresh token was already used; the session has been ended. Sign in again.',
  },
  SESSION_REVOKED: { status: 401, message: 'The session has ended; sign in again.' },
  PASSWORD_INCORRECT: { status: 403, message: 'The password is incorrect.' },
  EMAIL_NOT_VERIFIED: {
    status: 403,
    message: 'The email address of this account is not verified yet; open the link mailed to it.',
  },
  RESET_TOKEN_INVALID: {
    status: 400,
    message: 'The reset link is invalid, used or expired; ask for a new one.',
  },
  VERIFY_TOKEN_INVALID: {
    status: 400,
    message: 'The link is invalid, used or expired; ask for a new one.',
  },
  MFA_REQUIRED: {
    status: 401,
    message: 'This account signs in with a second factor: send a code from the authenticator app.',
  },
  MFA_CODE_INVALID: { status: 401, message: 'The code is wrong, already used or expired.' },
  MFA_TOKEN_INVALID: {
    status: 401,
    message:
      'The sign-in attempt is invalid, finished or expired; sign in with the password again.',
  },
  CSRF_CHECK_FAILED: {
    status: 403,
    message:
      'The refresh cookie may only be used by an allowed origin sending X-Requested-With: XMLHttpRequest.',
  },
  HTTPS_REQUIRED: { status: 403, message: 'Requests must be made over HTTPS.' },
  NOT_FOUND: { status: 404, message: 'The requested resource does not exist.' },
  METHOD_NOT_ALLOWED: { status: 405, message: 'The method is not allowed on this resource.' },
  REQUEST_TIMEOUT: { status: 408, message: 'The request took too long to arrive.' },
  MFA_SETUP_NOT_FOUND: {
    status: 404,
    message: 'There is no two-step sign-in setup to confirm; start one with /mfa/totp/setup.',
  },
  EMAIL_TAKEN: { status: 409, message: 'An account with this email already exists.' },
  MFA_ALREADY_ENABLED: {
    status: 409,
    message:
      'Two-step sign-in is already on for this account; turn it off first to set it up again.',
  },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large.' },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    message: 'The request body must be JSON (Content-Type: application/json).',
  },
  TOO_MANY_REQUESTS: { status: 429, message: 'Too many requests; try again later.' },
  MFA_LOCKED: {
    status: 429,
    message: 'Too many wrong codes: the second step of signing in is locked for a while.',
  },
  HEADERS_TOO_LARGE: { status: 431, message: 'The request headers are too large.' },
  INTERNAL_ERROR: { status: 500, message: 'An unexpected error occurred.' },
  SERVICE_UNAVAILABLE: { status: 503, message: 'The service is temporarily unavailable.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** The codes by name (`ErrorCodes.EMAIL_TAKEN === 'EMAIL_TAKEN'`), so tests and clients never retype a string. */
export const ErrorCodes = Object.freeze(
  Object.fromEntries(Object.keys(ERROR_CATALOGUE).map((code) => [code, code])),
) as { readonly [C in ErrorCode]: C };
