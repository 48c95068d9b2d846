// The check every API test runs on every answer (test/setup/response-conformance.ts): what it accepts, what it
// refuses, and that it is wired into supertest for the apps buildTestApp builds, and only for those.
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { documentedAnswersFor, type Exchange } from '../helpers/documented-answers.js';
import { registerAndLogIn } from '../helpers/accounts.js';
import { buildTestApp } from '../helpers/test-app.js';

const USER = {
  id: '9815378d-0916-49f6-837f-0730dbbb58c7',
  email: 'ada@example.com',
  name: 'Ada Lovelace',
  role: 'user',
  createdAt: '2026-11-24T06:41:56.466Z',
};
const error = (code: string) => ({ success: false, message: 'Refused.', error: code });

function problemWith(exchange: Partial<Exchange> & Pick<Exchange, 'path' | 'status'>) {
  const { config } = buildTestApp();
  return documentedAnswersFor(config).problemWith({
    method: 'GET',
    contentType: 'application/json; charset=utf-8',
    body: {},
    ...exchange,
  });
}

describe('the documented-answer check', () => {
  it('when an answer is what the document describes, then it is accepted', () => {
    const profile = { success: true, data: { user: USER } };

    expect(problemWith({ path: '/api/auth/profile', status: 200, body: profile })).toBeUndefined();
    expect(
      problemWith({ path: '/api/auth/profile', status: 401, body: error('TOKEN_EXPIRED') }),
    ).toBeUndefined();
  });

  it('when an answer carries a field its schema does not list, then the check names the field', () => {
    const leaky = { success: true, data: { user: { ...USER, passwordHash: '$2b$...' } } };

    expect(problemWith({ path: '/api/auth/profile', status: 200, body: leaky })).toMatch(
      /additionalProperty":"passwordHash"/,
    );
  });

  it('when an operation answers a status it does not document, then the check refuses it', () => {
    const problem = problemWith({
      method: 'POST',
      path: '/api/auth/register',
      status: 200,
      body: { success: true, data: { user: USER } },
    });

    expect(problem).toMatch(/200 is not a documented status of register/);
  });

  it('when an error carries a code its status does not have on that operation, then the check refuses it', () => {
    const problem = problemWith({
      path: '/api/auth/profile',
      status: 401,
      body: error('INVALID_CREDENTIALS'),
    });

    expect(problem).toMatch(/must be equal to one of the allowed values/);
  });

  it('when the answer is not the documented content type, then the check refuses it', () => {
    const problem = problemWith({ path: '/health', status: 200, contentType: 'text/html' });

    expect(problem).toMatch(/content type text\/html is not the documented application\/json/);
  });

  it('when no operation takes the request, then only 404, 405 or an answer given before routing passes', () => {
    expect(
      problemWith({ path: '/nowhere', status: 404, body: error('NOT_FOUND') }),
    ).toBeUndefined();
    expect(
      problemWith({
        method: 'PUT',
        path: '/api/auth/LOGIN/',
        status: 405,
        body: error('METHOD_NOT_ALLOWED'),
      }),
    ).toBeUndefined();
    expect(problemWith({ path: '/nowhere', status: 200, body: { success: true } })).toMatch(
      /200 is not an answer the document allows here/,
    );
    expect(problemWith({ path: '/nowhere', status: 404, body: error('EMAIL_TAKEN') })).toMatch(
      /EMAIL_TAKEN is not an answer the document allows here/,
    );
  });

  it('when the HTTP server or the body parser refuses a request to an operation, then it passes in the error shape', () => {
    const tooLarge = { path: '/api/auth/profile', status: 431, body: error('HEADERS_TOO_LARGE') };
    const malformed = { path: '/api/auth/sessions', status: 400, body: error('MALFORMED_JSON') };

    expect(problemWith(tooLarge)).toBeUndefined();
    expect(problemWith(malformed)).toBeUndefined();
    expect(problemWith({ ...malformed, body: { error: 'MALFORMED_JSON' } })).toMatch(
      /must have required property 'success'/,
    );
  });

  it('when the reference page, a HEAD or a CORS preflight is answered, then only the status is held to the document', () => {
    expect(
      problemWith({ path: '/api/docs', status: 200, contentType: 'text/html' }),
    ).toBeUndefined();
    expect(
      problemWith({ method: 'OPTIONS', path: '/api/auth/login', status: 204 }),
    ).toBeUndefined();
    expect(problemWith({ method: 'HEAD', path: '/health', status: 200, body: '' })).toBeUndefined();
    expect(problemWith({ method: 'HEAD', path: '/health', status: 201, body: '' })).toMatch(
      /201 is not a documented status/,
    );
  });
});

describe('the check inside supertest', () => {
  it('when an app built by buildTestApp answers something undocumented, then the request fails saying what', async () => {
    const { app } = buildTestApp({
      stores: (real) => ({
        ...real,
        sessions: {
          ...real.sessions,
          listLiveSessions: async (userId, now) =>
            (await real.sessions.listLiveSessions(userId, now)).map((session) => ({
              ...session,
              userAgent: 42 as unknown as string,
            })),
        },
      }),
    });
    const { accessToken } = await registerAndLogIn(app);

    const answer = request(app)
      .get('/api/auth/sessions')
      .set('Authorization', `Bearer ${accessToken}`);

    await expect(answer).rejects.toThrow(
      /GET \/api\/auth\/sessions answered 200, which the API document does not describe: .*userAgent/,
    );
  });

  it('when an app was not built by buildTestApp, then its answers are not checked', async () => {
    const app = express().get('/api/auth/profile', (_req, res) => {
      res.json({ anything: 'goes' });
    });

    const response = await request(app).get('/api/auth/profile');

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ anything: 'goes' });
  });
});
