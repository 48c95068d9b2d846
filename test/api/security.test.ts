import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors/error-catalogue.js';
import { registerAccount } from '../helpers/accounts.js';
import { expectError } from '../helpers/api-calls.js';
import { decodePayload } from '../helpers/forged-tokens.js';
import { productionEnv } from '../helpers/production-env.js';
import { buildTestApp } from '../helpers/test-app.js';

describe('security headers', () => {
  it('when the API answers, then the OWASP REST header set, no-store and no x-powered-by', async () => {
    const { app } = buildTestApp();

    const response = await request(app).get('/api/auth/profile');

    expect(response.headers['x-powered-by']).toBeUndefined();
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-frame-options']).toBe('DENY');
    expect(response.headers['content-security-policy']).toBe(
      "default-src 'none';frame-ancestors 'none'",
    );
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['strict-transport-security']).toBeUndefined();
    // helmet's document-only headers are left to the docs page.
    expect(response.headers['referrer-policy']).toBeUndefined();
    expect(response.headers['x-dns-prefetch-control']).toBeUndefined();
  });

  it("when the docs page is served, then helmet's full set replaces the API's CSP and frame rule", async () => {
    const { app } = buildTestApp();

    const response = await request(app).get('/api/docs');

    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
    expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('when HTTPS is required, then the docs page CSP upgrades insecure requests; where plain HTTP is allowed, it does not', async () => {
    const production = buildTestApp({ env: productionEnv() });
    const development = buildTestApp();

    const strict = await request(production.app).get('/api/docs').set('X-Forwarded-Proto', 'https');
    const plain = await request(development.app).get('/api/docs');

    expect(strict.status).toBe(200);
    expect(strict.headers['content-security-policy']).toContain('upgrade-insecure-requests');
    expect(plain.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
    expect(plain.headers['content-security-policy']).toContain("script-src 'self'");
  });

  it('when a well-formed X-Request-Id is sent, then it is echoed; otherwise a fresh one is made', async () => {
    const { app } = buildTestApp();

    const given = await request(app).get('/health').set('X-Request-Id', 'lb-1234.abc');
    const hostile = await request(app)
      .get('/health')
      .set('X-Request-Id', 'x\r\nSet-Cookie: a=b'.replace(/\r\n/, ' '));
    const none = await request(app).get('/health');

    expect(given.headers['x-request-id']).toBe('lb-1234.abc');
    expect(hostile.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(none.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(none.headers['x-request-id']).not.toBe(hostile.headers['x-request-id']);
  });

  it('when the X-Request-Id is shaped like a token, then a fresh id replaces it and the log never holds it', async () => {
    const { app, logs } = buildTestApp();
    // Well-formed by the id's character rules, but a JWT's shape: ids reach log lines unredacted.
    const tokenShaped = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';

    const response = await request(app).get('/health').set('X-Request-Id', tokenShaped);

    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(logs.text).not.toContain(tokenShaped);
  });
});

describe('CORS', () => {
  const env = { CORS_ORIGINS: 'https://app.example.com,http://localhost:5173' };

  it('when the origin is allowed, then the response names it', async () => {
    const { app } = buildTestApp({ env });

    const response = await request(app).get('/health').set('Origin', 'http://localhost:5173');

    expect(response.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    expect(response.headers['access-control-expose-headers']).toContain('X-Request-Id');
  });

  it('when the origin is not allowed, then no CORS header lets the browser read the response', async () => {
    const { app } = buildTestApp({ env });

    const response = await request(app).get('/health').set('Origin', 'https://evil.example');

    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('when an allowed origin sends a preflight, then 204 with the allowed methods and headers', async () => {
    const { app } = buildTestApp({ env });

    const response = await request(app)
      .options('/api/auth/login')
      .set('Origin', 'https://app.example.com')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'content-type');

    expect(response.status).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(response.headers['access-control-allow-methods']).toBe('GET,POST,DELETE');
    expect(response.headers['access-control-allow-headers']).toBe(
      'Content-Type,Authorization,X-Request-Id,X-Requested-With',
    );
  });
});

describe('HTTPS in production', () => {
  it('when a request did not arrive over HTTPS, then 403 HTTPS_REQUIRED', async () => {
    const { app, writes } = buildTestApp({ env: productionEnv() });
    const mark = writes.mark();

    const response = await request(app)
      .post('/api/auth/register')
      .send({ email: 'a@example.com', password: 'Str0ng!pass', name: 'A' });

    expect(response.status).toBe(403);
    expect(response.body).toMatchObject({ success: false, error: ErrorCodes.HTTPS_REQUIRED });
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(writes.since(mark)).toEqual([]);
  });

  it('when the trusted proxy says it was HTTPS, then it is served, with HSTS of a year', async () => {
    const { app } = buildTestApp({ env: productionEnv() });

    const response = await request(app)
      .post('/api/auth/register')
      .set('X-Forwarded-Proto', 'https')
      .send({ email: 'a@example.com', password: 'Str0ng!pass', name: 'A' });

    expect(response.status).toBe(201);
    expect(response.headers['strict-transport-security']).toBe(
      'max-age=31536000; includeSubDomains',
    );
  });

  it.each(['/health', '/ready'])(
    'when a probe asks %s over plain HTTP, then it answers anyway',
    async (path) => {
      const { app } = buildTestApp({ env: productionEnv() });

      const response = await request(app).get(path);

      expect(response.status).toBe(200);
      expect((response.body as { success: boolean }).success).toBe(true);
    },
  );

  it.each(['/HEALTH', '/health/', '/Ready'])(
    'when %s is asked over plain HTTP, then it is no probe (paths are exact) and HTTPS is required',
    async (path) => {
      const { app } = buildTestApp({ env: productionEnv() });

      expectError(await request(app).get(path), ErrorCodes.HTTPS_REQUIRED);
    },
  );

  it('when no proxy is trusted, then X-Forwarded-Proto is not believed', async () => {
    const { app } = buildTestApp({
      env: productionEnv({ TRUST_PROXY: '', ALLOW_INSECURE_HTTP: 'true' }),
    });

    const response = await request(app).get('/api/auth/profile').set('X-Forwarded-Proto', 'https');

    expect(response.headers['strict-transport-security']).toBeUndefined();
  });
});

describe('TRUST_PROXY values', () => {
  it.each([
    '1',
    '2',
    'loopback',
    'loopback, 10.0.0.0/8',
    '192.168.0.10',
    'fd12:3456::/48',
    'uniquelocal',
  ])('when TRUST_PROXY=%s, then the app is built and serves', async (value) => {
    const { app } = buildTestApp({ env: { TRUST_PROXY: value } });

    expect((await request(app).get('/health')).status).toBe(200);
  });
});

describe('client IP', () => {
  async function sessionIpAfterLogin(env: Record<string, string>) {
    const { app, clock, stores } = buildTestApp({ env });
    const account = await registerAccount(app);
    const login = await request(app)
      .post('/api/auth/login')
      .set('X-Forwarded-For', '203.0.113.9')
      .send({ email: account.email, password: account.password })
      .expect(200);
    const { accessToken } = (login.body as { data: { accessToken: string } }).data;
    const sessionId = decodePayload(accessToken).sid as string;
    return (await stores.sessions.findLiveSession(sessionId, new Date(clock.now())))?.session.ip;
  }

  it('when no proxy is trusted, then a client cannot choose its IP with X-Forwarded-For', async () => {
    expect(await sessionIpAfterLogin({})).toMatch(/127\.0\.0\.1$/);
  });

  it('when one proxy hop is trusted, then the address it forwards is the client IP', async () => {
    expect(await sessionIpAfterLogin({ TRUST_PROXY: '1' })).toBe('203.0.113.9');
  });
});
