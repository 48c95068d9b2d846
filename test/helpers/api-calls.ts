// The API calls tests make again and again, and the one way they check an error answer.
import type { Express } from 'express';
import request from 'supertest';
import { expect } from 'vitest';
import { ERROR_CATALOGUE, type ErrorCode } from '../../src/errors/error-catalogue.js';

export const refresh = (app: Express, refreshToken: unknown) =>
  request(app).post('/api/auth/refresh').send({ refreshToken });

export const logout = (app: Express, refreshToken: unknown) =>
  request(app).post('/api/auth/logout').send({ refreshToken });

export const profile = (app: Express, accessToken: string) =>
  request(app).get('/api/auth/profile').set('Authorization', `Bearer ${accessToken}`);

/** The standard error answer: the code's status from the catalogue, JSON, `success: false`. */
export function expectError(response: request.Response, code: ErrorCode): void {
  expect(response.body).toMatchObject({ success: false, error: code });
  expect(response.status).toBe(ERROR_CATALOGUE[code].status);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  expect(typeof (response.body as { message?: unknown }).message).toBe('string');
}

/** A request with a Bearer access token. */
export function authorized(
  app: Express,
  method: 'get' | 'post' | 'delete',
  path: string,
  accessToken: string,
) {
  return request(app)[method](path).set('Authorization', `Bearer ${accessToken}`);
}
