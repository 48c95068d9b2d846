// The signed-in user's own account, each operation declared once (Bearer access token on all of them): Express
// mounts these entries and the API document is rendered from them.
import { defineOperation, type Guard, type Operation } from '../http/operation.js';
import type { AccountController } from './account-controller.js';
import type { AuthRateLimits } from './auth-rate-limits.js';
import {
  doneResponse,
  sessionsEndedResponse,
  sessionsResponse,
  userResponse,
} from './auth-responses.js';
import {
  changePasswordBody,
  deleteAccountBody,
  emptyBody,
  listSessionsQuery,
  sessionIdParams,
} from './auth-schemas.js';
import { AUTH_BASE_PATH } from './base-path.js';
import type { RefreshTokenTransport } from './refresh-token-transport.js';

export const ACCOUNT_TAG = {
  name: 'Account',
  description: "The signed-in user's own account (Bearer access token).",
};

export interface AccountOperationDeps {
  controller: AccountController;
  limits: AuthRateLimits;
  transport: RefreshTokenTransport;
  signedIn: Guard;
}

export function accountOperations(deps: AccountOperationDeps): Operation[] {
  const { controller, limits, signedIn } = deps;
  const setsCookie = deps.transport.cookieHeader ? [deps.transport.cookieHeader] : [];
  const tag = ACCOUNT_TAG.name;
  // In table order, which is matching order: the most requested first.
  return [
    defineOperation({
      method: 'get',
      path: `${AUTH_BASE_PATH}/profile`,
      operationId: 'getProfile',
      summary: 'The signed-in user',
      tag,
      limit: limits.api,
      guard: signedIn,
      request: {},
      success: { status: 200, description: 'The user.', json: userResponse },
      errors: [],
      handle: controller.profile,
    }),
    defineOperation({
      method: 'get',
      path: `${AUTH_BASE_PATH}/sessions`,
      operationId: 'listSessions',
      summary: "The caller's live sessions (and, on request, the recently ended ones)",
      description:
        'With `include=revoked`, also the sessions ended in the last 7 days, with `revokedAt` and ' +
        '`revokedReason`: a session ended for `refresh_token_reused` was signed out because a copy of its ' +
        'refresh token was used.',
      tag,
      limit: limits.api,
      guard: signedIn,
      request: { query: listSessionsQuery },
      success: { status: 200, description: 'Live sessions first.', json: sessionsResponse },
      errors: [],
      handle: controller.listSessions,
    }),
    defineOperation({
      method: 'delete',
      path: `${AUTH_BASE_PATH}/sessions/:id`,
      operationId: 'endSession',
      summary: "End one of the caller's sessions",
      description: "Its tokens stop working at once. Another user's session, or an ended one: 404.",
      tag,
      limit: limits.api,
      guard: signedIn,
      request: { params: sessionIdParams },
      success: { status: 200, description: 'Session ended.', json: doneResponse },
      errors: ['NOT_FOUND'],
      headers: setsCookie,
      handle: controller.endSession,
    }),
    defineOperation({
      method: 'post',
      path: `${AUTH_BASE_PATH}/logout-all`,
      operationId: 'logoutAll',
      summary: "End every session of the caller's, this one included",
      tag,
      limit: limits.api,
      guard: signedIn,
      request: { body: emptyBody },
      success: { status: 200, description: 'Sessions ended.', json: sessionsEndedResponse },
      errors: [],
      headers: setsCookie,
      handle: controller.logoutAll,
    }),
    defineOperation({
      method: 'post',
      path: `${AUTH_BASE_PATH}/change-password`,
      operationId: 'changePassword',
      summary: 'Change the password; every other session ends',
      description:
        'The new password follows the registration policy and must differ from the current one. A wrong ' +
        'current password counts toward the account lock, and the route counts against the login limit.',
      tag,
      limit: limits.login,
      guard: signedIn,
      request: { body: changePasswordBody },
      success: { status: 200, description: 'Password changed.', json: doneResponse },
      errors: ['PASSWORD_INCORRECT'],
      handle: controller.changePassword,
    }),
    defineOperation({
      method: 'delete',
      path: `${AUTH_BASE_PATH}/account`,
      operationId: 'deleteAccount',
      summary: 'Delete the account; every session ends',
      description:
        'The account is soft-deleted; its email can register again. A wrong password counts toward the ' +
        'account lock, and the route counts against the login limit.',
      tag,
      limit: limits.login,
      guard: signedIn,
      request: { body: deleteAccountBody },
      success: { status: 200, description: 'Account deleted.', json: doneResponse },
      errors: ['PASSWORD_INCORRECT'],
      headers: setsCookie,
      handle: controller.deleteAccount,
    }),
  ];
}
