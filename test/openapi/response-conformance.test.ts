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
  emailVerified: false,
  name: 'Ada Lovelace',
  role: 'user',
  createdAt: '2026-11-24T06:41:56.466Z',
};
const error = (code: string) => ({ success: false, message: 'Refused.', error: code });

/** Headers every answer carries, for the answers made up here. */
const EVERY_ANSWER = { 'x-request-id': 'c0ffee', 'cache-control': 'no-store' };

function problemWith(exchange: Partial<Exchange> & Pick<Exchange, 'path' | 'status'>) {
  return documentedAnswersFor(buildTestApp()).problemWith({
    method: 'GET',
    contentType: 'application/json; charset=utf-8',
    headers: EVERY_ANSWER,
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

    expect(problem).toMatch(/content type text\/html is not documented \(application\/json\)/);
  });

  it('when no operation takes the request, then only 404, 405 or an answer given before routing passes', () => {
    expect(
      problemWith({ path: '/nowhere', status: 404, body: error('NOT_FOUND') }),
    ).toBeUndefined();
    expect(
      problemWith({
        method: 'PUT',
        path: '/api/auth/login',
        status: 405,
        body: error('METHOD_NOT_ALLOWED'),
      }),
    ).toBeUndefined();
    // Paths are exact: another case or a trailing slash is another (unknown) path.
    expect(
      problemWith({
        method: 'PUT',
        path: '/api/auth/LOGIN/',
        status: 405,
        body: error('METHOD_NOT_ALLOWED'),
      }),
    ).toMatch(/405 is not an answer the document allows here/);
    expect(problemWith({ path: '/nowhere', status: 200, body: { success: true } })).toMatch(
      /200 is not an answer the document allows here/,
    );
    expect(problemWith({ path: '/nowhere', status: 404, body: error('EMAIL_TAKEN') })).toMatch(
      /EMAIL_TAKEN is not an answer the document allows here/,
    );
  });

  it('when the HTTP server refuses a request to an operation, then it passes in the error shape', () => {
    const tooLarge = { path: '/api/auth/profile', status: 431, body: error('HEADERS_TOO_LARGE') };

    expect(problemWith(tooLarge)).toBeUndefined();
    expect(problemWith({ ...tooLarge, body: { error: 'HEADERS_TOO_LARGE' } })).toMatch(
      /must have required property 'success'/,
    );
  });

  it('when a body error comes from an operation, then it passes only where the operation takes a body', () => {
    const malformed = { status: 400, body: error('MALFORMED_JSON') };

    expect(problemWith({ ...malformed, method: 'POST', path: '/api/auth/login' })).toBeUndefined();
    expect(problemWith({ ...malformed, path: '/api/auth/sessions' })).toMatch(
      /must be equal to one of the allowed values/,
    );
  });

  it('when an answer carries a header its response does not declare, then the check names it', () => {
    const profile = { success: true, data: { user: USER } };
    const withCookie = { ...EVERY_ANSWER, 'set-cookie': ['refresh_token=x; Path=/api/auth'] };

    expect(
      problemWith({ path: '/api/auth/profile', status: 200, body: profile, headers: withCookie }),
    ).toMatch(/the header set-cookie is not declared on this answer/);
  });

  it('when a required header is missing or has a value its schema refuses, then the check says so', () => {
    const profile = { success: true, data: { user: USER } };

    expect(
      problemWith({
        path: '/api/auth/profile',
        status: 200,
        body: profile,
        headers: { 'cache-control': 'no-store' },
      }),
    ).toMatch(/the required header x-request-id is missing/);
    expect(
      problemWith({
        path: '/api/auth/profile',
        status: 200,
        body: profile,
        headers: { ...EVERY_ANSWER, 'cache-control': 'public, max-age=600' },
      }),
    ).toMatch(/the header cache-control: it does not match/);
  });

  it('when the reference page, a HEAD or a CORS preflight is answered, then only what is documented is held to it', () => {
    expect(
      problemWith({ path: '/api/docs', status: 200, contentType: 'text/html' }),
    ).toBeUndefined();
    expect(
      problemWith({ path: '/api/docs', status: 200, contentType: 'application/json' }),
    ).toMatch(/content type application\/json is not documented \(text\/html\)/);
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
