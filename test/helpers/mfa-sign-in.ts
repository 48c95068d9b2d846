// Arranges an account with two-step sign-in on and drives its sign-in the way a client does: the password step (with
// or without a device token), the code step, and runs of wrong codes spread over as many mfaTokens as they need.
import type { Express } from 'express';
import request from 'supertest';
import { expect } from 'vitest';
import { logIn, registerAccount, type Account } from './accounts.js';
import type { FakeClock } from './fake-clock.js';
import { enrolTotp, loginMfa, passwordStep, type Enrolled } from './mfa-calls.js';

export interface EnrolledAccount {
  account: Account;
  enrolled: Enrolled;
  /** The device token of the account's login before enrolment: a device that signed in before. */
  deviceToken: string;
}

/** Wrong codes one mfaToken takes before it is burned (MFA_TOKEN_MAX_FAILURES). */
export const CODES_PER_MFA_TOKEN = 5;

/** A new account, signed in once, with two-step sign-in turned on; the clock is then past the enrolment's step. */
export async function enrolledAccount(app: Express, clock: FakeClock): Promise<EnrolledAccount> {
  const account = await registerAccount(app);
  const first = await logIn(app, account);
  const enrolled = await enrolTotp(app, clock, account, first.accessToken);
  clock.advance('30s');
  return { account, enrolled, deviceToken: first.deviceToken };
}

/** POST /login with the right password (and a device token when given): the answer itself. */
export const passwordStepAnswer = (app: Express, account: Account, deviceToken?: string) =>
  request(app)
    .post('/api/auth/login')
    .send({ email: account.email, password: account.password, deviceToken });

/** `count` mfaTokens of one account, each from its own password step. */
export async function mfaTokens(app: Express, account: Account, count: number): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < count; i += 1) tokens.push(await passwordStep(app, account));
  return tokens;
}

/** The second step with an app code. */
export const codeStep = (app: Express, mfaToken: string, code: string) =>
  loginMfa(app, { mfaToken, code });

/** The second step with a recovery code. */
export const recoveryCodeStep = (app: Express, mfaToken: string, recoveryCode: string) =>
  loginMfa(app, { mfaToken, recoveryCode });

/** Both steps with `code`: the second step's answer. */
export async function signInWithCode(app: Express, account: Account, code: string) {
  return codeStep(app, await passwordStep(app, account), code);
}

/**
 * `count` wrong codes through the login's second step, a fresh mfaToken every 5 (each burns after 5), one after the
 * other: the answers, in order.
 */
export async function sendWrongCodes(
  app: Express,
  account: Account,
  wrongCode: string,
  count: number,
): Promise<request.Response[]> {
  const answers: request.Response[] = [];
  let mfaToken = '';
  for (let sent = 0; sent < count; sent += 1) {
    if (sent % CODES_PER_MFA_TOKEN === 0) mfaToken = await passwordStep(app, account);
    answers.push(await codeStep(app, mfaToken, wrongCode));
  }
  return answers;
}

/** The login body's parts a finished sign-in gives the client. */
export interface SignedInData {
  user: { id: string; email: string };
  accessToken: string;
  refreshToken?: string;
  deviceToken: string;
}

export function signedInData(response: request.Response): SignedInData {
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return (response.body as { data: SignedInData }).data;
}
