import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE, ErrorCodes } from '../../src/errors/error-catalogue.js';
import type { Stores } from '../../src/storage/ports/stores.js';
import { registerAccount, registerAndLogIn } from '../helpers/accounts.js';
import { expectError } from '../helpers/api-calls.js';
import { buildTestApp } from '../helpers/test-app.js';

const failingLookup = (real: Stores): Stores => ({
  ...real,
  users: {
    ...real.users,
    findLiveUserByEmail: () => Promise.reject(new Error('disk on fire at /var/lib/auth/secret.db')),
  },
});

describe('HTTP-level errors', () => {
  it('when the path is unknown, then 404 NOT_FOUND in the standard shape', async () => {
    const { app } = buildTestApp();

    const response = await request(app).get('/api/auth/nope');

    expectError(response, ErrorCodes.NOT_FOUND);
    expect(response.body).toEqual({
      success: false,
      message: ERROR_CATALOGUE.NOT_FOUND.message,
      error: ErrorCodes.NOT_FOUND,
    });
  });

  it.each([
    ['GET', '/api/auth/login', 'POST'],
    ['DELETE', '/api/auth/register', 'POST'],
    ['POST', '/api/auth/profile', 'GET, HEAD'],
    ['POST', '/health', 'GET, HEAD'],
  ])('when %s %s, then 405 with Allow: %s', async (method, path, allow) => {
    const { app } = buildTestApp();

    const response = await request(app)[method.toLowerCase() as 'get'](path);

    expectError(response, ErrorCodes.METHOD_NOT_ALLOWED);
    expect(response.headers.allow).toBe(allow);
  });

  it.each([
    ['POST', '/API/AUTH/LOGIN'],
    ['POST', '/api/auth/login/'],
    ['GET', '/Health'],
    ['GET', '/api/auth//profile'],
  ])(
    'when %s %s (another case, a trailing slash), then 404: paths are exact',
    async (method, path) => {
      const { app, writes } = buildTestApp();
      const mark = writes.mark();

      const response = await request(app)[method.toLowerCase() as 'get'](path).send({
        email: 'nobody@example.com',
        password: 'Secret-123!',
      });

      expectError(response, ErrorCodes.NOT_FOUND);
      expect(writes.since(mark)).toEqual([]);
    },
  );

  it.each([
    ['GET', '/health', 200],
    ['GET', '/api/openapi.json', 200],
    ['GET', '/api/auth/profile', 401],
    ['GET', '/api/auth/sessions', 401],
    ['DELETE', '/api/auth/sessions/4f7c2a9e-1b3d-4e5f-8a6b-7c8d9e0f1a2b', 401],
  ])(
    'when %s %s, which takes no body, comes with a stray one, then the body is not read (%i)',
    async (method, path, status) => {
      const { app } = buildTestApp();

      const call = request(app)[method.toLowerCase() as 'get'](path);
      const response = await call.set('Content-Type', 'text/plain').send('x'.repeat(20_000));

      expect(response.status).toBe(status);
    },
  );

  it('when a protected operation with a body is called without a token and with a bad body, then 401 comes first', async () => {
    const { app } = buildTestApp();

    const response = await request(app)
      .post('/api/auth/change-password')
      .set('Content-Type', 'text/plain')
      .send('not json');

    expectError(response, ErrorCodes.TOKEN_MISSING);
  });

  it('when a probe is asked with a query string, then it answers as without one', async () => {
    const { app } = buildTestApp();

    expect((await request(app).get('/health?from=load-balancer')).status).toBe(200);
  });

  it.each(['%E0%A4%A', '%ZZ', '%', '%C0%AF', '%ED%A0%80'])(
    'when a path parameter is the malformed percent-encoding %s, then 400 BAD_REQUEST, declared on the operation, and one info-level line',
    async (parameter) => {
      const { app, logs } = buildTestApp();
      const { accessToken } = await registerAndLogIn(app);
      const before = logs.lines.length;

      const response = await request(app)
        .delete(`/api/auth/sessions/${parameter}`)
        .set('Authorization', `Bearer ${accessToken}`);

      expectError(response, ErrorCodes.BAD_REQUEST);
      const lines = logs.lines.slice(before).filter((line) => line.level !== 'debug');
      expect(lines.map((line) => [line.level, line.status])).toEqual([['info', 400]]);
      expect(JSON.stringify(lines)).not.toMatch(/URIError|stack/);
    },
  );

  it.each(['/api/auth/%E0%A4%A', '/api/auth/log%ZZin', '/%', '/health%'])(
    'when a path outside any parameter is the malformed %s, then 4xx in our shape, never 500',
    async (path) => {
      const { app, logs } = buildTestApp();

      const response = await request(app).post(path).send({});

      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(response.body).toMatchObject({ success: false });
      expect(logs.lines.filter((line) => !['debug', 'info'].includes(line.level))).toEqual([]);
    },
  );

  it.each([
    ['truncated JSON', '{"email":"a@example.com","password":"Secret-123!'],
    ['single quotes', "{'email':'a@example.com','password':'Secret-123!'}"],
    ['a bare JSON string', '"Secret-123!"'],
    ['JSON null', 'null'],
  ])('when the body is %s, then 400 MALFORMED_JSON without echoing it', async (_, body) => {
    const { app, writes, logs } = buildTestApp();
    const mark = writes.mark();

    const response = await request(app)
      .post('/api/auth/register')
      .set('Content-Type', 'application/json')
      .send(body);

    expectError(response, ErrorCodes.MALFORMED_JSON);
    expect(response.text).not.toContain('Secret-123!');
    expect(logs.text).not.toContain('Secret-123!');
    expect(writes.since(mark)).toEqual([]);
  });

  it.each([
    ['text/plain', 'email=a@example.com'],
    ['application/x-www-form-urlencoded', 'email=a%40example.com&password=x'],
    ['application/xml', '<email>a@example.com</email>'],
  ])(
    'when the body is %s, then 415 UNSUPPORTED_MEDIA_TYPE and nothing stored',
    async (type, body) => {
      const { app, writes } = buildTestApp();
      const mark = writes.mark();

      const response = await request(app)
        .post('/api/auth/register')
        .set('Content-Type', type)
        .send(body);

      expectError(response, ErrorCodes.UNSUPPORTED_MEDIA_TYPE);
      expect(writes.since(mark)).toEqual([]);
    },
  );

  it('when the body is gzip-compressed, then 415 rather than inflating it', async () => {
    const { app } = buildTestApp();

    const response = await request(app)
      .post('/api/auth/login')
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'gzip')
      .send(gzipSync(JSON.stringify({ email: 'a@example.com', password: 'x' })));

    expectError(response, ErrorCodes.UNSUPPORTED_MEDIA_TYPE);
  });

  it.each(['latin1', 'utf-16le', 'utf-7', '"iso-8859-1"'])(
    'when the JSON charset is %s, then 415 rather than decoding it',
    async (charset) => {
      const { app, writes } = buildTestApp();
      const mark = writes.mark();

      const response = await request(app)
        .post('/api/auth/register')
        .set('Content-Type', `application/json; charset=${charset}`)
        .send('{"email":"a@example.com","password":"Str0ng!pass","name":"+ADw-b+AD4-"}');

      expectError(response, ErrorCodes.UNSUPPORTED_MEDIA_TYPE);
      expect(writes.since(mark)).toEqual([]);
    },
  );

  it.each([
    'application/json; charset=UTF-8',
    'application/json;charset="utf-8"',
    'Application/JSON',
  ])('when the content type is %s, then the body is read', async (type) => {
    const { app } = buildTestApp();

    const response = await request(app)
      .post('/api/auth/register')
      .set('Content-Type', type)
      .send(JSON.stringify({ email: 'a@example.com', password: 'Str0ng!pass', name: 'A' }));

    expect(response.status).toBe(201);
  });

  it('when the body is over the 10 kB default, then 413 and nothing stored', async () => {
    const { app, writes } = buildTestApp();
    const mark = writes.mark();
    const body = JSON.stringify({
      email: 'a@example.com',
      password: 'Aa1!aaaa',
      name: 'n'.repeat(11_000),
    });

    const response = await request(app)
      .post('/api/auth/register')
      .set('Content-Type', 'application/json')
      .send(body);

    expectError(response, ErrorCodes.PAYLOAD_TOO_LARGE);
    expect(writes.since(mark)).toEqual([]);
  });

  it('when BODY_LIMIT_BYTES is raised, then a body under it is parsed (and judged on its fields)', async () => {
    const { app } = buildTestApp({ env: { BODY_LIMIT_BYTES: '20480' } });
    const body = { email: 'a@example.com', password: 'Aa1!aaaa', name: 'n'.repeat(11_000) };

    const response = await request(app).post('/api/auth/register').send(body);

    expectError(response, ErrorCodes.VALIDATION_ERROR);
  });

  it('when a deeply nested body arrives, then a 400, never a crash', async () => {
    const { app } = buildTestApp();
    const depth = 2000;
    const body = `{"email":${'['.repeat(depth)}${']'.repeat(depth)}}`;

    const response = await request(app)
      .post('/api/auth/login')
      .set('Content-Type', 'application/json')
      .send(body);

    expectError(response, ErrorCodes.VALIDATION_ERROR);
  });

  it('when the store fails unexpectedly, then 500 INTERNAL_ERROR with a generic message; details only in the log', async () => {
    const { app, logs } = buildTestApp({ stores: failingLookup });

    const response = await request(app)
      .post('/api/auth/login')
      .send({ email: 'a@example.com', password: 'Secret-123!' });

    expect(response.status).toBe(500);
    expect(response.body).toEqual({
      success: false,
      message: 'An unexpected error occurred.',
      error: ErrorCodes.INTERNAL_ERROR,
    });
    expect(response.text).not.toMatch(/disk on fire|secret\.db|at .*\.ts/);
    const [logged] = logs.lines.filter((line) => line.msg === 'request failed');
    expect(logged).toMatchObject({
      level: 'error',
      reqId: response.headers['x-request-id'],
      err: { message: 'disk on fire at /var/lib/auth/secret.db' },
    });
    expect(JSON.stringify(logged)).toContain('stack');
    expect(logs.text).not.toContain('Secret-123!');
  });

  it('when the server is shutting down, then 503 SERVICE_UNAVAILABLE and Connection: close', async () => {
    const { app, lifecycle } = buildTestApp();
    lifecycle.shuttingDown = true;

    const response = await request(app).get('/health');

    expectError(response, ErrorCodes.SERVICE_UNAVAILABLE);
    expect(response.headers.connection).toBe('close');
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });

  it('when a request succeeds after a refused one, then nothing of the refused request lingers', async () => {
    const { app, writes } = buildTestApp();
    const mark = writes.mark();
    await request(app).post('/api/auth/register').set('Content-Type', 'text/plain').send('x');

    await registerAccount(app);

    // The account, and the request for its verification mail: nothing of the refused request.
    expect(writes.since(mark).map((write) => write.method)).toEqual([
      'users.createUser',
      'mailOutbox.enqueueMail',
    ]);
  });
});
