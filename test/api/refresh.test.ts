import { describe, expect, it } from 'vitest';
import { hashRefreshToken } from '../../src/auth/tokens/token-service.js';
import { ErrorCodes, type ErrorCode } from '../../src/errors/error-catalogue.js';
import { logIn, registerAccount, registerAndLogIn } from '../helpers/accounts.js';
import { expectError, profile, refresh } from '../helpers/api-calls.js';
import {
  decodePayload,
  resigned,
  withAlgNone,
  withTamperedPayload,
} from '../helpers/forged-tokens.js';
import { buildTestApp, TEST_SECRETS, type TestApp } from '../helpers/test-app.js';

interface PairData {
  accessToken: string;
  refreshToken: string;
  tokenType: string;
  expiresIn: number;
  refreshExpiresIn: number;
}

const profileStatus = async (app: TestApp['app'], accessToken: string) =>
  (await profile(app, accessToken)).body as { error?: ErrorCode; success: boolean };

/** The refresh token claims the forgeries below change. */
type Claims = Record<string, unknown> & {
  sub: string;
  sid: string;
  aud: string;
  iat: number;
  exp: number;
};

const resign = (token: string, changes: Record<string, unknown>) =>
  resigned(token, TEST_SECRETS.JWT_REFRESH_SECRET, 'HS256', changes);

describe('POST /api/auth/refresh', () => {
  it('when the refresh token is fresh, then a new pair, and the old token is marked used', async () => {
    const { app, clock, stores, writes } = buildTestApp();
    const login = await registerAndLogIn(app);
    clock.advance('10m');
    const mark = writes.mark();

    const response = await refresh(app, login.refreshToken);

    expect(response.status).toBe(200);
    const data = (response.body as { data: PairData }).data;
    expect(data).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, refreshExpiresIn: 604_800 });
    expect(data.refreshToken).not.toBe(login.refreshToken);
    expect(decodePayload(data.refreshToken).sid).toBe(decodePayload(login.refreshToken).sid);
    expect((await profileStatus(app, data.accessToken)).success).toBe(true);
    expect(writes.since(mark).map((write) => write.method)).toEqual([
      'sessions.rotateRefreshToken',
    ]);
    const stored = (token: string) => stores.sessions.findRefreshToken(hashRefreshToken(token));
    expect(await stored(login.refreshToken)).toMatchObject({
      usedAt: new Date(clock.now()),
      replacedById: decodePayload(data.refreshToken).jti,
    });
    expect(await stored(data.refreshToken)).toMatchObject({
      usedAt: null,
      replacedById: null,
    });
  });

  it('when a used refresh token is replayed after the grace, then 401 REFRESH_TOKEN_REUSED and the whole session ends', async () => {
    const { app, clock, logs } = buildTestApp();
    const login = await registerAndLogIn(app);
    const rotated = (await refresh(app, login.refreshToken)).body as { data: PairData };
    clock.advance('11s');

    const replay = await refresh(app, login.refreshToken);

    expectError(replay, ErrorCodes.REFRESH_TOKEN_REUSED);
    expectError(await refresh(app, rotated.data.refreshToken), ErrorCodes.SESSION_REVOKED);
    expect((await profileStatus(app, rotated.data.accessToken)).error).toBe(
      ErrorCodes.SESSION_REVOKED,
    );
    expect((await profileStatus(app, login.accessToken)).error).toBe(ErrorCodes.SESSION_REVOKED);
    expect(logs.events('token.reuse_detected')).toHaveLength(1);
    expect(logs.events('token.reuse_detected')[0]).toMatchObject({
      userId: login.account.id,
      sessionId: decodePayload(login.refreshToken).sid,
    });
  });

  it("when one session replays a token, then the same user's other sessions keep working", async () => {
    const { app, clock } = buildTestApp();
    const account = await registerAccount(app);
    const phone = await logIn(app, account, 'phone');
    const laptop = await logIn(app, account, 'laptop');
    await refresh(app, phone.refreshToken).expect(200);
    clock.advance('11s');

    expectError(await refresh(app, phone.refreshToken), ErrorCodes.REFRESH_TOKEN_REUSED);

    expect((await refresh(app, laptop.refreshToken)).status).toBe(200);
  });

  it('when 20 refreshes race with one token in strict mode, then exactly one succeeds and the rest are reuse', async () => {
    const { app, writes } = buildTestApp({ env: { REFRESH_REUSE_GRACE_SECONDS: '0' } });
    const login = await registerAndLogIn(app);
    const mark = writes.mark();

    const responses = await Promise.all(
      Array.from({ length: 20 }, () => refresh(app, login.refreshToken)),
    );

    const codes = responses.map((r) =>
      r.status === 200 ? 'OK' : (r.body as { error: string }).error,
    );
    expect(codes.filter((code) => code === 'OK')).toHaveLength(1);
    // Strict reuse detection: the first loser ends the session; later ones find it ended.
    expect(codes).toContain(ErrorCodes.REFRESH_TOKEN_REUSED);
    expect(
      codes
        .filter((code) => code !== 'OK')
        .every(
          (code) => code === ErrorCodes.REFRESH_TOKEN_REUSED || code === ErrorCodes.SESSION_REVOKED,
        ),
    ).toBe(true);
    const rotations = writes
      .since(mark)
      .filter((write) => write.method === 'sessions.rotateRefreshToken');
    expect(rotations).toHaveLength(1);
  });

  it('when the refresh token has expired, then 401 REFRESH_TOKEN_EXPIRED and nothing changes', async () => {
    const { app, clock, writes } = buildTestApp();
    const login = await registerAndLogIn(app);
    clock.advance('7d');
    const mark = writes.mark();

    expectError(await refresh(app, login.refreshToken), ErrorCodes.REFRESH_TOKEN_EXPIRED);
    expect(writes.since(mark)).toEqual([]);
  });

  it('when the session reaches SESSION_MAX_AGE, then rotation never extends past it', async () => {
    const { app, clock } = buildTestApp({ env: { SESSION_MAX_AGE: '1h', JWT_ACCESS_TTL: '5m' } });
    const login = await registerAndLogIn(app);
    clock.advance('40m');

    const rotated = await refresh(app, login.refreshToken);
    expect((rotated.body as { data: PairData }).data.refreshExpiresIn).toBe(20 * 60);
    clock.advance('20m');

    expectError(
      await refresh(app, (rotated.body as { data: PairData }).data.refreshToken),
      ErrorCodes.REFRESH_TOKEN_EXPIRED,
    );
  });

  it('when the account is deleted, then its refresh token is refused', async () => {
    const { app, stores, clock } = buildTestApp();
    const login = await registerAndLogIn(app);
    await stores.users.softDeleteUser(login.account.id, new Date(clock.now()));

    expectError(await refresh(app, login.refreshToken), ErrorCodes.SESSION_REVOKED);
  });

  const INVALID = ErrorCodes.REFRESH_TOKEN_INVALID;
  const forgeries: Array<
    [string, (refreshToken: string, accessToken: string) => string, ErrorCode]
  > = [
    ['garbage', () => 'not-a-jwt', INVALID],
    ['three garbage parts', () => 'a.b.c', INVALID],
    ['an alg "none" token', (token) => withAlgNone(token), INVALID],
    ['a tampered payload', (token) => withTamperedPayload(token, { sub: 'someone-else' }), INVALID],
    [
      'a token signed with the access secret',
      (token) => resigned(token, TEST_SECRETS.JWT_ACCESS_SECRET),
      INVALID,
    ],
    [
      'a token signed with another key',
      (token) => resigned(token, 'another-secret-entirely-0123456789'),
      INVALID,
    ],
    [
      'a token signed with HS512',
      (token) => resigned(token, TEST_SECRETS.JWT_REFRESH_SECRET, 'HS512'),
      INVALID,
    ],
    ['an access token', (_, access) => access, INVALID],
    ['a token of another issuer', (token) => resign(token, { iss: 'evil' }), INVALID],
    ['a token of another audience', (token) => resign(token, { aud: 'other-api' }), INVALID],
    ['a token with typ access', (token) => resign(token, { typ: 'access' }), INVALID],
    ['a token without a session id', (token) => resign(token, { sid: undefined }), INVALID],
    [
      'a token of a session that does not exist',
      (token) => resign(token, { sid: 'nope' }),
      ErrorCodes.SESSION_REVOKED,
    ],
  ];

  it.each(forgeries)('when presented %s, then 401 and nothing changes', async (_, forge, code) => {
    const { app, writes } = buildTestApp();
    const login = await registerAndLogIn(app);
    const mark = writes.mark();

    const response = await refresh(app, forge(login.refreshToken, login.accessToken));

    expectError(response, code);
    expect(writes.since(mark)).toEqual([]);
    expect((await refresh(app, login.refreshToken)).status).toBe(200);
  });

  it.each([
    ['aud is the array [ours]', (claims: Claims) => ({ aud: [claims.aud] })],
    ['aud is an array holding ours and another', (claims: Claims) => ({ aud: [claims.aud, 'x'] })],
    ['iat is 61 s ahead', (claims: Claims) => ({ iat: claims.iat + 61, exp: claims.exp + 61 })],
    [
      'iat is an hour ahead',
      (claims: Claims) => ({ iat: claims.iat + 3600, exp: claims.exp + 3600 }),
    ],
  ])(
    'when %s, then 401 REFRESH_TOKEN_INVALID and nothing rotates, even with the token in the store',
    async (_, changes) => {
      const { app, clock, stores, writes } = buildTestApp();
      const login = await registerAndLogIn(app);
      const claims = decodePayload(login.refreshToken) as Claims;
      const forged = resign(login.refreshToken, { jti: 'forged', ...changes(claims) });
      // Stored as if we had issued it (the login token rotated into it): the verification alone must refuse it.
      const forgedRecord = {
        id: 'forged',
        sessionId: claims.sid,
        userId: claims.sub,
        tokenHash: hashRefreshToken(forged),
        createdAt: new Date(clock.now()),
        expiresAt: new Date((claims.exp + 3600) * 1000),
      };
      const now = new Date(clock.now());
      const rotation = await stores.sessions.rotateRefreshToken(
        hashRefreshToken(login.refreshToken),
        forgedRecord,
        now,
      );
      expect(rotation.outcome).toBe('rotated');
      const mark = writes.mark();

      expectError(await refresh(app, forged), ErrorCodes.REFRESH_TOKEN_INVALID);
      expect(writes.since(mark)).toEqual([]);
      expect((await stores.sessions.findRefreshToken(forgedRecord.tokenHash))?.usedAt).toBeNull();
    },
  );

  it('when signed correctly but unknown to the store, then 401 REFRESH_TOKEN_INVALID', async () => {
    const { app } = buildTestApp();
    const login = await registerAndLogIn(app);
    const unknown = resigned(login.refreshToken, TEST_SECRETS.JWT_REFRESH_SECRET, 'HS256', {
      jti: 'other',
    });

    expectError(await refresh(app, unknown), ErrorCodes.REFRESH_TOKEN_INVALID);
  });
});
