// Arranges users and logins through the API itself, each with a fresh email.
import type { Express } from 'express';
import request from 'supertest';
import { expect } from 'vitest';

let counter = 0;

export interface Account {
  email: string;
  password: string;
  name: string;
  id: string;
}

export interface LoggedIn {
  account: Account;
  accessToken: string;
  refreshToken: string;
  /** The device token the login returned, for this client's next login. */
  deviceToken: string;
}

export function newAccountInput(overrides: Partial<Omit<Account, 'id'>> = {}) {
  counter += 1;
  return {
    email: `user${counter}@example.com`,
    password: `Correct-horse-${counter}!`,
    name: `User ${counter}`,
    ...overrides,
  };
}

export async function registerAccount(
  app: Express,
  overrides: Partial<Omit<Account, 'id'>> = {},
): Promise<Account> {
  const input = newAccountInput(overrides);
  const response = await request(app).post('/api/auth/register').send(input);
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return { ...input, id: (response.body as { data: { user: { id: string } } }).data.user.id };
}

export async function logIn(
  app: Express,
  account: Account,
  userAgent = 'vitest',
): Promise<LoggedIn> {
  const response = await request(app)
    .post('/api/auth/login')
    .set('User-Agent', userAgent)
    .send({ email: account.email, password: account.password });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  const { data } = response.body as {
    data: { accessToken: string; refreshToken: string; deviceToken: string };
  };
  return {
    account,
    accessToken: data.accessToken,
    refreshToken: data.refreshToken,
    deviceToken: data.deviceToken,
  };
}

export async function registerAndLogIn(app: Express): Promise<LoggedIn> {
  return logIn(app, await registerAccount(app));
}
