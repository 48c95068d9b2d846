import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { ErrorCodes, type ErrorCode } from '../../src/errors/error-catalogue.js';
import { registerAndLogIn } from '../helpers/accounts.js';
import { expectError } from '../helpers/api-calls.js';
import {
  decodeHeader,
  decodePayload,
  resigned,
  withAlgNone,
  withTamperedPayload,
} from '../helpers/forged-tokens.js';
import { buildTestApp, TEST_SECRETS, type TestApp } from '../helpers/test-app.js';

const profile = (app: TestApp['app'], authorization?: string) => {
  const call = request(app).get('/api/auth/profile');
  return authorization === undefined ? call : call.set('Authorization', authorization);
};

function expectChallenge(response: request.Response, code: ErrorCode) {
  expectError(response, code);
  expect(response.headers['www-authenticate']).toMatch(
    /^Bearer realm="auth-api", error="invalid_token", error_description="[^"]+"$/,
  );
}

const resignedAccess = (access: string, changes: Record<string, unknown>) =>
  resigned(access, TEST_SECRETS.JWT_ACCESS_SECRET, 'HS256', changes);

/** The token's claims with iat and exp moved `seconds` ahead, signed with our key. */
const issuedAhead = (access: string, seconds: number) => {
  const { iat, exp } = decodePayload(access) as { iat: number; exp: number };
  return resignedAccess(access, { iat: iat + seconds, exp: exp + seconds });
};

describe('GET /api/auth/profile', () => {
  it('when the access token is valid, then 200 with the public user only', async () => {
    const { app } = buildTestApp();
    const login = await registerAndLogIn(app);

    const response = await profile(app, `Bearer ${login.accessToken}`);

    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      success: true,
      data: {
        user: {
          id: login.account.id,
          email: login.account.email,
          emailVerified: false,
          name: login.account.name,
          role: 'user',
          createdAt: expect.any(String) as string,
        },
      },
    });
  });

  it.each([
    ['no Authorization header', undefined],
    ['another scheme', 'Basic dXNlcjpwYXNz'],
    ['a bare word', 'token'],
    ['the scheme without a token', 'Bearer '],
  ])(
    'when there is %s, then 401 TOKEN_MISSING with a plain Bearer challenge',
    async (_, header) => {
      const { app } = buildTestApp();

      const response = await profile(app, header);

      expect(response.status).toBe(401);
      expect(response.body).toEqual({
        success: false,
        message: 'An access token is required.',
        error: ErrorCodes.TOKEN_MISSING,
      });
      expect(response.headers['www-authenticate']).toBe('Bearer realm="auth-api"');
    },
  );

  it.each([
    ['two tokens', (access: string) => `Bearer ${access} ${access}`],
    ['a tab instead of a space', (access: string) => `Bearer\t${access}`],
  ])('when the Bearer header holds %s, then 401 TOKEN_INVALID', async (_, header) => {
    const { app } = buildTestApp();
    const login = await registerAndLogIn(app);

    expectChallenge(await profile(app, header(login.accessToken)), ErrorCodes.TOKEN_INVALID);
  });

  it('when the scheme is lower-case "bearer", then the token is still read', async () => {
    const { app } = buildTestApp();
    const login = await registerAndLogIn(app);

    expect((await profile(app, `bearer ${login.accessToken}`)).status).toBe(200);
  });

  it('when the access token has expired, then 401 TOKEN_EXPIRED with an invalid_token challenge', async () => {
    const { app, clock } = buildTestApp();
    const login = await registerAndLogIn(app);
    clock.advance('15m');

    expectChallenge(await profile(app, `Bearer ${login.accessToken}`), ErrorCodes.TOKEN_EXPIRED);
  });

  it('when the access token has one second left, then it is still accepted', async () => {
    const { app, clock } = buildTestApp();
    const login = await registerAndLogIn(app);
    clock.advance('899s');

    expect((await profile(app, `Bearer ${login.accessToken}`)).status).toBe(200);
  });

  const forgeries: Array<[string, (access: string, refresh: string) => string]> = [
    ['garbage', () => 'garbage'],
    ['an alg "none" token', (access) => withAlgNone(access)],
    ['a payload raised to admin', (access) => withTamperedPayload(access, { role: 'admin' })],
    [
      'a token signed with the refresh secret',
      (access) => resigned(access, TEST_SECRETS.JWT_REFRESH_SECRET),
    ],
    [
      'a token signed with HS384',
      (access) => resigned(access, TEST_SECRETS.JWT_ACCESS_SECRET, 'HS384'),
    ],
    ['the refresh token', (_, refresh) => refresh],
    [
      'a token of another audience',
      (access) => resigned(access, TEST_SECRETS.JWT_ACCESS_SECRET, 'HS256', { aud: 'x' }),
    ],
    [
      'a token with an unknown role',
      (access) => resigned(access, TEST_SECRETS.JWT_ACCESS_SECRET, 'HS256', { role: 'root' }),
    ],
    ['a 5,000-character token', () => 'a'.repeat(5000)],
    [
      'a token whose aud is the array [ours]',
      (access) => resignedAccess(access, { aud: ['auth-api'] }),
    ],
    [
      'a token whose aud is an array holding ours and another',
      (access) => resignedAccess(access, { aud: ['auth-api', 'other-api'] }),
    ],
    ['a token issued 61 s ahead of our clock', (access) => issuedAhead(access, 61)],
    ['a token issued an hour ahead of our clock', (access) => issuedAhead(access, 3600)],
  ];

  it.each(forgeries)('when presented %s, then 401 TOKEN_INVALID', async (_, forge) => {
    const { app } = buildTestApp();
    const login = await registerAndLogIn(app);

    const response = await profile(app, `Bearer ${forge(login.accessToken, login.refreshToken)}`);

    expectChallenge(response, ErrorCodes.TOKEN_INVALID);
  });

  it("when the token was issued 60 s ahead of our clock (another instance's skew), then it is accepted", async () => {
    const { app } = buildTestApp();
    const login = await registerAndLogIn(app);

    expect((await profile(app, `Bearer ${issuedAhead(login.accessToken, 60)}`)).status).toBe(200);
  });

  it('when the session was revoked, then 401 SESSION_REVOKED at once', async () => {
    const { app, stores, clock } = buildTestApp();
    const login = await registerAndLogIn(app);
    const sessionId = decodePayload(login.accessToken).sid as string;
    await stores.sessions.revokeSession(sessionId, 'logout', new Date(clock.now()));

    expectChallenge(await profile(app, `Bearer ${login.accessToken}`), ErrorCodes.SESSION_REVOKED);
  });

  it('when the user was deleted, then 401 SESSION_REVOKED', async () => {
    const { app, stores, clock } = buildTestApp();
    const login = await registerAndLogIn(app);
    await stores.users.softDeleteUser(login.account.id, new Date(clock.now()));

    expectChallenge(await profile(app, `Bearer ${login.accessToken}`), ErrorCodes.SESSION_REVOKED);
  });

  it('when the request has a query string, then 400 naming it (the whitelist covers the query too)', async () => {
    const { app } = buildTestApp();
    const login = await registerAndLogIn(app);

    const response = await request(app)
      .get('/api/auth/profile?debug=1')
      .set('Authorization', `Bearer ${login.accessToken}`);

    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      error: ErrorCodes.VALIDATION_ERROR,
      details: [{ path: 'query.debug', message: 'Unknown field.' }],
    });
  });

  it('when the secret is rotated with the old one as previous, then old tokens verify and new ones use the new key', async () => {
    const newSecret = 'rotated-access-secret-0123456789-abcdefghijkl';
    const before = buildTestApp();
    const login = await registerAndLogIn(before.app);
    const after = buildTestApp({
      sharedStores: before.stores,
      env: {
        JWT_ACCESS_SECRET: newSecret,
        JWT_ACCESS_SECRET_PREVIOUS: TEST_SECRETS.JWT_ACCESS_SECRET,
      },
    });

    expect((await profile(after.app, `Bearer ${login.accessToken}`)).status).toBe(200);
    const relogin = await request(after.app)
      .post('/api/auth/login')
      .send({ email: login.account.email, password: login.account.password });
    const newAccess = (relogin.body as { data: { accessToken: string } }).data.accessToken;
    expect(decodeHeader(newAccess).kid).not.toBe(decodeHeader(login.accessToken).kid);
    const withoutPrevious = buildTestApp({
      sharedStores: before.stores,
      env: { JWT_ACCESS_SECRET: newSecret },
    });
    expectChallenge(
      await profile(withoutPrevious.app, `Bearer ${login.accessToken}`),
      ErrorCodes.TOKEN_INVALID,
    );
  });
});
