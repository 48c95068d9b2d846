// The email-address routes, each declared once: Express mounts these entries and the API document is rendered from
// them.
import { z } from 'zod';
import { doneResponse, publicUserSchema, successBody } from '../auth/auth-responses.js';
import { AUTH_BASE_PATH } from '../auth/base-path.js';
import { defineOperation, type Guard, type Operation, type RateLimit } from '../http/operation.js';
import type { EmailController } from './email-controller.js';
import {
  changeEmailBody,
  confirmEmailChangeBody,
  resendVerificationBody,
  verifyEmailBody,
} from './recovery-schemas.js';

export const EMAIL_TAG = {
  name: 'Email address',
  description:
    "Proving the account's address is its own (every new account is mailed a link to verify it, and can ask for " +
    'another), and moving the account to another address, confirmed by a link mailed there.',
};

export interface EmailOperationDeps {
  controller: EmailController;
  limits: { verify: RateLimit; resend: RateLimit; password: RateLimit };
  signedIn: Guard;
  signedInIfPresented: Guard;
}

/** Verifying and confirming a change: a message and the account as it now is. */
export const accountResponse = successBody(z.object({ user: publicUserSchema }), { message: true });

export function emailOperations(deps: EmailOperationDeps): Operation[] {
  const { controller, limits } = deps;
  const tag = EMAIL_TAG.name;
  return [
    defineOperation({
      method: 'post',
      path: `${AUTH_BASE_PATH}/email/verify`,
      operationId: 'verifyEmail',
      summary: 'Verify the address with the link mailed to it',
      description:
        'Marks the address the link was mailed to verified and answers the account. Access tokens issued from now ' +
        'on carry `email_verified: true` (refresh to get one). Any token that is not a live verification token ' +
        '(unknown, used, expired, superseded by a newer link, for another purpose, or mailed to an address the ' +
        'account has left since) is VERIFY_TOKEN_INVALID; opening a link twice is too.',
      tag,
      limit: limits.verify,
      request: { body: verifyEmailBody },
      success: { status: 200, description: 'The address is verified.', json: accountResponse },
      errors: ['VERIFY_TOKEN_INVALID'],
      handle: controller.verifyEmail,
    }),
    defineOperation({
      method: 'post',
      path: `${AUTH_BASE_PATH}/email/verify/resend`,
      operationId: 'resendVerification',
      summary: 'Ask for another verification link',
      description:
        "With a Bearer access token, for the caller's own address (body `{}`); without one, for `{email}`. The " +
        'answer is the same whether or not the address has an account, is verified already, or was sent a link ' +
        'in the last minute or five today (in each of those cases no mail goes). The link opens ' +
        '`APP_URL/verify-email#token=…` and works once, for `EMAIL_VERIFY_TTL`; a newer link makes older ones ' +
        'worthless. A Bearer token that is sent must be valid; a token and an email together are refused.',
      tag,
      limit: limits.resend,
      guard: deps.signedInIfPresented,
      request: { body: resendVerificationBody },
      success: {
        status: 202,
        description: 'Accepted; a mail may be on its way.',
        json: doneResponse,
      },
      errors: [],
      handle: controller.resendVerification,
    }),
    defineOperation({
      method: 'post',
      path: `${AUTH_BASE_PATH}/email/change`,
      operationId: 'changeEmail',
      summary: 'Ask to move the account to another address',
      description:
        'Checks the password (a wrong one counts against this session, as for change-password, and says nothing ' +
        'about the address), then mails a link to the new address, which opens ' +
        '`APP_URL/confirm-email-change#token=…` and works once, for `EMAIL_CHANGE_TTL`. The answer is the same ' +
        'whether or not the address is free, and when it was sent a link in the last minute or five today (in ' +
        'those cases no mail goes). The account keeps its address until the link is opened. The route counts ' +
        'against the login limit.',
      tag,
      limit: limits.password,
      guard: deps.signedIn,
      request: { body: changeEmailBody },
      success: {
        status: 202,
        description: 'Accepted; a mail may be on its way to the new address.',
        json: doneResponse,
      },
      errors: ['PASSWORD_INCORRECT'],
      handle: controller.changeEmail,
    }),
    defineOperation({
      method: 'post',
      path: `${AUTH_BASE_PATH}/email/change/confirm`,
      operationId: 'confirmEmailChange',
      summary: 'Move the account with the link mailed to the new address',
      description:
        'Moves the account to the address the link was mailed to (verified from then on), ends its other ' +
        'sessions (`SESSION_REVOKED` with `reason: "email_changed"`) and mails a notice to the old address. ' +
        'Sent with the Bearer token of a session of this account, that session stays; without one, every ' +
        'session of the account ends. Any token that is not a live change token (unknown, used, expired, ' +
        'superseded by a newer request, for another purpose, or of an account deleted since) is ' +
        'VERIFY_TOKEN_INVALID; EMAIL_TAKEN when another account took the address after the link was mailed (the ' +
        'link is used up; ask again with another address).',
      tag,
      limit: limits.verify,
      guard: deps.signedInIfPresented,
      request: { body: confirmEmailChangeBody },
      success: { status: 200, description: 'The address is changed.', json: accountResponse },
      errors: ['VERIFY_TOKEN_INVALID', 'EMAIL_TAKEN'],
      handle: controller.confirmEmailChange,
    }),
  ];
}
