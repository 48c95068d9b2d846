// Arranges and drives two-step sign-in through the API: enrolment with codes computed by otplib at the fake clock's
// time (as the user's app would compute them), and both steps of an MFA login.
import type { Express } from 'express';
import { generateSync } from 'otplib';
import request from 'supertest';
import { expect } from 'vitest';
import type { Account } from './accounts.js';
import type { FakeClock } from './fake-clock.js';

const bearer = (accessToken: string) => `Bearer ${accessToken}`;

/** The code an authenticator app shows for `secret` at this clock's time. */
export const totpCode = (secret: string, clock: FakeClock, offsetSeconds = 0) =>
  generateSync({ secret, epoch: Math.floor(clock.now() / 1000) + offsetSeconds });

/** Moves past the current 30-second step (a step is accepted once), then the code of the new step. */
export function nextTotpCode(secret: string, clock: FakeClock): string {
  clock.advance('30s');
  return totpCode(secret, clock);
}

/** Six digits no step in the accepted window (one either side of now) shows: a wrong code for sure. */
export function wrongTotpCode(secret: string, clock: FakeClock): string {
  const accepted = new Set([-30, 0, 30].map((offset) => totpCode(secret, clock, offset)));
  let code = Number(totpCode(secret, clock));
  do code = (code + 1) % 1_000_000;
  while (accepted.has(String(code).padStart(6, '0')));
  return String(code).padStart(6, '0');
}

export const setupTotp = (app: Express, accessToken: string, password: unknown) =>
  request(app)
    .post('/api/auth/mfa/totp/setup')
    .set('Authorization', bearer(accessToken))
    .send({ password });

export const confirmTotp = (app: Express, accessToken: string, code: unknown) =>
  request(app)
    .post('/api/auth/mfa/totp/confirm')
    .set('Authorization', bearer(accessToken))
    .send({ code });

export const mfaStatus = (app: Express, accessToken: string) =>
  request(app).get('/api/auth/mfa').set('Authorization', bearer(accessToken));

export const disableTotp = (app: Express, accessToken: string, body: object) =>
  request(app)
    .post('/api/auth/mfa/totp/disable')
    .set('Authorization', bearer(accessToken))
    .send(body);

export const regenerateRecoveryCodes = (app: Express, accessToken: string, body: object) =>
  request(app)
    .post('/api/auth/mfa/recovery-codes/regenerate')
    .set('Authorization', bearer(accessToken))
    .send(body);

export const loginMfa = (app: Express, body: object) =>
  request(app).post('/api/auth/login/mfa').send(body);

export interface Enrolled {
  secret: string;
  recoveryCodes: string[];
  /** The caller's re-issued pair (aal2). */
  accessToken: string;
  refreshToken: string;
}

/** Turns two-step sign-in on for a signed-in account: setup, then confirm with the app's current code. */
export async function enrolTotp(
  app: Express,
  clock: FakeClock,
  account: Account,
  accessToken: string,
): Promise<Enrolled> {
  const setup = await setupTotp(app, accessToken, account.password);
  expect(setup.status, JSON.stringify(setup.body)).toBe(200);
  const { secret } = (setup.body as { data: { secret: string } }).data;
  const confirm = await confirmTotp(app, accessToken, totpCode(secret, clock));
  expect(confirm.status, JSON.stringify(confirm.body)).toBe(200);
  const data = (
    confirm.body as { data: { recoveryCodes: string[]; accessToken: string; refreshToken: string } }
  ).data;
  return { secret, ...data };
}

/** The password step of an MFA account's login: its mfaToken. */
export async function passwordStep(app: Express, account: Account): Promise<string> {
  const response = await request(app)
    .post('/api/auth/login')
    .send({ email: account.email, password: account.password });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  const data = (response.body as { data: { mfaRequired?: boolean; mfaToken?: string } }).data;
  expect(data.mfaRequired).toBe(true);
  return data.mfaToken ?? '';
}
