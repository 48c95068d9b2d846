// The calls cookie-mode API tests make: a login whose refresh token arrives in a cookie, and a refresh or logout as
// an allowed browser page sends it (Origin, X-Requested-With, the Cookie header).
import type { Express } from 'express';
import request from 'supertest';
import { expect } from 'vitest';
import type { Account } from './accounts.js';

export const APP_ORIGIN = 'https://app.example.com';
export const COOKIE_MODE_ENV = { REFRESH_TOKEN_TRANSPORT: 'cookie', CORS_ORIGINS: APP_ORIGIN };
/** The refresh cookie's name where it is not Secure (development over plain HTTP, and these tests). */
export const PLAIN_REFRESH_COOKIE = 'refresh_token';

/** The Set-Cookie line for the cookie `name` in an answer. */
export function cookieOf(response: request.Response, name = PLAIN_REFRESH_COOKIE): string {
  const header = ([] as string[]).concat(response.headers['set-cookie'] ?? []);
  const cookie = header.find((line) => line.startsWith(`${name}=`));
  if (cookie === undefined) throw new Error(`no ${name} cookie in ${JSON.stringify(header)}`);
  return cookie;
}

/** `name=value` of a Set-Cookie line, as a browser sends it back. */
export const cookieValue = (setCookie: string) => setCookie.split(';')[0] ?? '';

export async function logInWithCookie(app: Express, account: Account, name = PLAIN_REFRESH_COOKIE) {
  const response = await request(app)
    .post('/api/auth/login')
    .set('Origin', APP_ORIGIN)
    .send({ email: account.email, password: account.password });
  expect(response.status).toBe(200);
  return { response, cookie: cookieValue(cookieOf(response, name)) };
}

/** A refresh or logout as an allowed browser page sends it; `change` alters one part. */
export function cookieCall(
  app: Express,
  path: string,
  cookie: string,
  change: Record<string, string | undefined> = {},
) {
  const headers: Record<string, string | undefined> = {
    Origin: APP_ORIGIN,
    'X-Requested-With': 'XMLHttpRequest',
    Cookie: cookie,
    ...change,
  };
  const call = request(app).post(path);
  for (const [name, value] of Object.entries(headers))
    if (value !== undefined) call.set(name, value);
  return call.send({});
}
