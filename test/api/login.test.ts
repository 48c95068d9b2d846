import jwt from 'jsonwebtoken';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { hashRefreshToken } from '../../src/auth/tokens/token-service.js';
import { ErrorCodes } from '../../src/errors/error-catalogue.js';
import { registerAccount } from '../helpers/accounts.js';
import { countingHasher } from '../helpers/counting-hasher.js';
import { decodeHeader, decodePayload } from '../helpers/forged-tokens.js';
import { buildTestApp, TEST_SECRETS } from '../helpers/test-app.js';

interface LoginData {
  user: Record<string, unknown>;
  accessToken: string;
  refreshToken: string;
  tokenType: string;
  expiresIn: number;
  refreshExpiresIn: number;
}

const invalidCredentials = {
  success: false,
  message: 'The email or password is incorrect.',
  error: ErrorCodes.INVALID_CREDENTIALS,
};

describe('POST /api/auth/login', () => {
  it('when the credentials are right, then 200 with the user and a token pair as DESIGN §3 describes', async () => {
    const { app, clock } = buildTestApp();
    const account = await registerAccount(app);

    const response = await request(app)
      .post('/api/auth/login')
      .send({ email: account.email, password: account.password });

    expect(response.status).toBe(200);
    const data = (response.body as { data: LoginData }).data;
    expect(data).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, refreshExpiresIn: 604_800 });
    expect(data.user).toEqual({
      id: account.id,
      email: account.email,
      emailVerified: false,
      name: account.name,
      role: 'user',
      createdAt: new Date(clock.now()).toISOString(),
    });
    const nowSeconds = Math.floor(clock.now() / 1000);
    const access = jwt.verify(data.accessToken, TEST_SECRETS.JWT_ACCESS_SECRET, {
      clockTimestamp: nowSeconds,
    }) as Record<string, unknown>;
    expect(access).toEqual({
      sub: account.id,
      role: 'user',
      sid: expect.any(String) as string,
      jti: expect.any(String) as string,
      iat: nowSeconds,
      exp: nowSeconds + 900,
      iss: 'auth-api',
      aud: 'auth-api',
      typ: 'access',
      email_verified: false,
      amr: ['pwd'],
      aal: 'aal1',
    });
    const refresh = jwt.verify(data.refreshToken, TEST_SECRETS.JWT_REFRESH_SECRET, {
      clockTimestamp: nowSeconds,
    }) as Record<string, unknown>;
    expect(refresh).toEqual({
      sub: account.id,
      sid: access.sid,
      jti: expect.any(String) as string,
      iat: nowSeconds,
      exp: nowSeconds + 604_800,
      iss: 'auth-api',
      aud: 'auth-api',
      typ: 'refresh',
    });
    expect(decodeHeader(data.accessToken)).toMatchObject({
      alg: 'HS256',
      kid: expect.any(String) as string,
    });
    expect(decodeHeader(data.accessToken).kid).not.toBe(decodeHeader(data.refreshToken).kid);
  });

  it('when the tokens are checked against the other secret, then neither verifies', async () => {
    const { app } = buildTestApp();
    const account = await registerAccount(app);
    const response = await request(app)
      .post('/api/auth/login')
      .send({ email: account.email, password: account.password });
    const data = (response.body as { data: LoginData }).data;

    expect(() => jwt.verify(data.accessToken, TEST_SECRETS.JWT_REFRESH_SECRET)).toThrow(
      jwt.JsonWebTokenError,
    );
    expect(() => jwt.verify(data.refreshToken, TEST_SECRETS.JWT_ACCESS_SECRET)).toThrow(
      jwt.JsonWebTokenError,
    );
  });

  it('when a user logs in, then a session is recorded with user agent, IP and only a hash of the refresh token', async () => {
    const { app, stores, writes, clock, config } = buildTestApp();
    const account = await registerAccount(app);
    const mark = writes.mark();

    const response = await request(app)
      .post('/api/auth/login')
      .set('User-Agent', 'Mozilla/5.0 (test)')
      .send({ email: account.email, password: account.password });

    const { refreshToken, accessToken } = (response.body as { data: LoginData }).data;
    const sessionId = decodePayload(accessToken).sid as string;
    const live = await stores.sessions.findLiveSession(sessionId, new Date(clock.now()));
    expect(live?.session).toMatchObject({
      userId: account.id,
      userAgent: 'Mozilla/5.0 (test)',
      ip: expect.stringMatching(/127\.0\.0\.1$/) as string,
      createdAt: new Date(clock.now()),
      expiresAt: new Date(clock.now() + config.session.maxAgeSeconds * 1000),
      revokedAt: null,
    });
    expect(await stores.sessions.findRefreshToken(hashRefreshToken(refreshToken))).toMatchObject({
      sessionId,
    });
    // Everything the login handed the store: the session and its first refresh token.
    const stored = JSON.stringify(writes.since(mark));
    expect(stored).toContain(hashRefreshToken(refreshToken));
    expect(stored).not.toContain(refreshToken);
    expect(stored).not.toContain(accessToken);
  });

  it('when the session ends before the access TTL, then both tokens say so and expire with it', async () => {
    const { app, clock } = buildTestApp({ env: { SESSION_MAX_AGE: '60s' } });
    const account = await registerAccount(app);

    const response = await request(app)
      .post('/api/auth/login')
      .send({ email: account.email, password: account.password });

    const data = (response.body as { data: LoginData }).data;
    expect(data).toMatchObject({ expiresIn: 60, refreshExpiresIn: 60 });
    clock.advance('60s');
    const profile = await request(app)
      .get('/api/auth/profile')
      .set('Authorization', `Bearer ${data.accessToken}`);
    expect((profile.body as { error: string }).error).toBe(ErrorCodes.TOKEN_EXPIRED);
  });

  it('when the email differs in case and whitespace, then the login still succeeds', async () => {
    const { app } = buildTestApp();
    const account = await registerAccount(app);

    const response = await request(app)
      .post('/api/auth/login')
      .send({ email: ` ${account.email.toUpperCase()} `, password: account.password });

    expect(response.status).toBe(200);
  });

  it('when the password is wrong or the email unknown, then the same 401, one bcrypt comparison each, nothing stored', async () => {
    const hasher = countingHasher();
    const { app, writes, logs } = buildTestApp({ hasher });
    const account = await registerAccount(app);
    const mark = writes.mark();

    hasher.calls.verify = 0;
    const wrongPassword = await request(app)
      .post('/api/auth/login')
      .send({ email: account.email, password: 'Wrong-password-1!' });
    expect(hasher.calls.verify).toBe(1);
    const unknownEmail = await request(app)
      .post('/api/auth/login')
      .send({ email: 'nobody@example.com', password: account.password });
    expect(hasher.calls.verify).toBe(2);

    for (const response of [wrongPassword, unknownEmail]) {
      expect(response.status).toBe(401);
      expect(response.body).toEqual(invalidCredentials);
    }
    expect(Object.keys(wrongPassword.headers).sort()).toEqual(
      Object.keys(unknownEmail.headers).sort(),
    );
    expect(writes.since(mark)).toEqual([]);
    expect(logs.events('login.failure').map((line) => line.reason)).toEqual([
      'wrong_password',
      'unknown_email',
    ]);
    expect(logs.text).not.toContain('Wrong-password-1!');
    expect(logs.text).not.toContain(account.password);
  });

  it("when the password is the real one plus extra bytes past bcrypt's 72, then 401", async () => {
    const { app } = buildTestApp();
    const password = `Aa1!${'x'.repeat(68)}`;
    const account = await registerAccount(app, { password });

    const response = await request(app)
      .post('/api/auth/login')
      .send({ email: account.email, password: `${password}anything` });

    expect(response.status).toBe(401);
    expect(response.body).toEqual(invalidCredentials);
  });

  it('when the account is deleted, then its credentials no longer log in', async () => {
    const { app, stores, writes, clock } = buildTestApp();
    const account = await registerAccount(app);
    await stores.users.softDeleteUser(account.id, new Date(clock.now()));
    const mark = writes.mark();

    const response = await request(app)
      .post('/api/auth/login')
      .send({ email: account.email, password: account.password });

    expect(response.status).toBe(401);
    expect(response.body).toEqual(invalidCredentials);
    expect(writes.since(mark)).toEqual([]);
  });

  it('when a user logs in twice, then two independent sessions exist', async () => {
    const { app, stores, writes, clock } = buildTestApp();
    const account = await registerAccount(app);
    const credentials = { email: account.email, password: account.password };
    const mark = writes.mark();

    await request(app).post('/api/auth/login').send(credentials).expect(200);
    await request(app).post('/api/auth/login').send(credentials).expect(200);

    // Each login opens its own session with its first refresh token, and nothing else.
    expect(writes.since(mark).map((write) => write.method)).toEqual([
      'sessions.openSession',
      'sessions.openSession',
    ]);
    expect(await stores.sessions.listLiveSessions(account.id, new Date(clock.now()))).toHaveLength(
      2,
    );
  });

  it.each([
    ['an operator object as email', { email: { $gt: '' }, password: 'x' }, 'email'],
    [
      'an operator object as password',
      { email: 'a@example.com', password: { $ne: null } },
      'password',
    ],
    ['a missing password', { email: 'a@example.com' }, 'password'],
    ['an empty password', { email: 'a@example.com', password: '' }, 'password'],
    [
      'a 2,000-character password',
      { email: 'a@example.com', password: 'p'.repeat(2000) },
      'password',
    ],
    ['a numeric email', { email: 12345, password: 'x' }, 'email'],
    ['an unknown field', { email: 'a@example.com', password: 'x', remember: true }, 'remember'],
  ])('when the body has %s, then 400 naming %s and nothing stored', async (_, body, path) => {
    const { app, writes } = buildTestApp();
    await registerAccount(app, { email: 'a@example.com' });
    const mark = writes.mark();

    const response = await request(app).post('/api/auth/login').send(body);

    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ success: false, error: ErrorCodes.VALIDATION_ERROR });
    expect(
      (response.body as { details: Array<{ path: string }> }).details.map((d) => d.path),
    ).toContain(path);
    expect(writes.since(mark)).toEqual([]);
  });

  it('when the query string tries an operator, then it stays a flat unknown field: 400', async () => {
    const { app, writes } = buildTestApp();
    const account = await registerAccount(app);
    const mark = writes.mark();

    const response = await request(app)
      .post('/api/auth/login?email[$ne]=x')
      .send({ email: account.email, password: account.password });

    expect(response.status).toBe(400);
    expect((response.body as { details: unknown[] }).details).toContainEqual({
      path: 'query.email[$ne]',
      message: 'Unknown field.',
    });
    expect(writes.since(mark)).toEqual([]);
  });
});
