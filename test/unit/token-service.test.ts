import { createHash } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { describe, expect, it } from 'vitest';
import { keyId } from '../../src/keys/secret-key-ring.js';
import {
  createTokenService,
  hashRefreshToken,
  type Verification,
} from '../../src/auth/tokens/token-service.js';
import type { Config } from '../../src/config/config.js';
import { FakeClock } from '../helpers/fake-clock.js';
import {
  decodeHeader,
  decodePayload,
  resigned,
  withAlgNone,
  withTamperedPayload,
} from '../helpers/forged-tokens.js';

const ACCESS = 'unit-access-secret-0123456789-abcdefghijklmn';
const REFRESH = 'unit-refresh-secret-0123456789-abcdefghijklm';
const OLD_ACCESS = 'unit-old-access-secret-0123456789-abcdefghij';
const OLD_REFRESH = 'unit-old-refresh-secret-0123456789-abcdefghi';
const FOREIGN = 'someone-elses-secret-0123456789-abcdefghijkl';

const jwtConfig = (overrides: Partial<Config['jwt']> = {}): Config['jwt'] => ({
  accessSecret: ACCESS,
  refreshSecret: REFRESH,
  accessSecretPrevious: undefined,
  refreshSecretPrevious: undefined,
  accessTtlSeconds: 900,
  refreshTtlSeconds: 604_800,
  issuer: 'auth-api',
  audience: 'auth-api',
  accessAlg: 'HS256',
  keysDir: './data/keys',
  ...overrides,
});

function setup(overrides: Partial<Config['jwt']> = {}) {
  const clock = new FakeClock();
  const tokens = createTokenService(jwtConfig(overrides), clock);
  return { clock, tokens, now: Math.floor(clock.now() / 1000) };
}

const farFuture = new Date('2099-01-01T00:00:00Z');
const subject = {
  userId: 'user-1',
  role: 'user' as const,
  emailVerified: false,
  sessionId: 'session-1',
  amr: ['pwd'] as const,
  notAfter: farFuture,
};
const issueRefresh = (tokens: ReturnType<typeof setup>['tokens'], notAfter = farFuture) =>
  tokens.issueRefreshToken({ userId: 'user-1', sessionId: 'session-1', notAfter });

/** Signs `payload` as our service would (HS256, kid of the secret), unless told otherwise. */
const signAs = (payload: object, secret: string, options: jwt.SignOptions = {}) =>
  jwt.sign(payload, secret, { algorithm: 'HS256', keyid: keyId(secret), ...options });

const withoutClaim = (token: string, claim: string) =>
  signAs(
    Object.fromEntries(Object.entries(decodePayload(token)).filter(([key]) => key !== claim)),
    ACCESS,
  );

const b64 = (text: string) => Buffer.from(text).toString('base64url');

describe('token service: issuing', () => {
  it('when an access token is issued, then it carries exactly the DESIGN §3 claims, HS256 and a kid', () => {
    const { tokens, now } = setup();
    const issued = tokens.issueAccessToken(subject);

    expect(decodePayload(issued.token)).toEqual({
      sub: 'user-1',
      role: 'user',
      sid: 'session-1',
      jti: expect.any(String) as string,
      iat: now,
      exp: now + 900,
      iss: 'auth-api',
      aud: 'auth-api',
      typ: 'access',
      email_verified: false,
      amr: ['pwd'],
      aal: 'aal1',
    });
    expect(decodeHeader(issued.token)).toEqual({ alg: 'HS256', typ: 'JWT', kid: keyId(ACCESS) });
    expect(issued.expiresInSeconds).toBe(900);
  });

  it('when the address is verified, then the access token says email_verified: true', () => {
    const { tokens } = setup();
    const issued = tokens.issueAccessToken({ ...subject, emailVerified: true });

    expect(decodePayload(issued.token)).toMatchObject({ email_verified: true });
    expect(tokens.verifyAccessToken(issued.token)).toMatchObject({
      status: 'valid',
      claims: { email_verified: true },
    });
  });

  it('when the login passed a second factor, then the access token says amr ["pwd","otp"] and aal2', () => {
    const { tokens } = setup();
    const issued = tokens.issueAccessToken({ ...subject, amr: ['pwd', 'otp'] });

    expect(decodePayload(issued.token)).toMatchObject({ amr: ['pwd', 'otp'], aal: 'aal2' });
    expect(tokens.verifyAccessToken(issued.token)).toMatchObject({
      status: 'valid',
      claims: { amr: ['pwd', 'otp'], aal: 'aal2' },
    });
  });

  it.each([
    ['an amr that is not an array', { amr: 'pwd' }],
    ['an amr with a method we never issue', { amr: ['pwd', 'sms'] }],
    ['an aal we never issue', { aal: 'aal3' }],
  ])('when a token signed with our key carries %s, then it is invalid', (_case, claims) => {
    const { tokens } = setup();
    const payload = { ...decodePayload(tokens.issueAccessToken(subject).token), ...claims };

    expect(tokens.verifyAccessToken(signAs(payload, ACCESS)).status).toBe('invalid');
  });

  it('when an access token was issued before amr and aal existed, then it is still valid', () => {
    const { tokens } = setup();
    const older = withoutClaim(withoutClaim(tokens.issueAccessToken(subject).token, 'amr'), 'aal');

    expect(tokens.verifyAccessToken(older).status).toBe('valid');
  });

  it('when an access token was issued before email_verified existed, then it is still valid', () => {
    const { tokens } = setup();
    const older = withoutClaim(tokens.issueAccessToken(subject).token, 'email_verified');

    expect(tokens.verifyAccessToken(older).status).toBe('valid');
  });

  it('when a refresh token is issued, then it carries sub, sid, jti, iat, exp, iss, aud, typ and no role', () => {
    const { tokens, now } = setup();
    const issued = issueRefresh(tokens);

    expect(decodePayload(issued.token)).toEqual({
      sub: 'user-1',
      sid: 'session-1',
      jti: issued.jti,
      iat: now,
      exp: now + 604_800,
      iss: 'auth-api',
      aud: 'auth-api',
      typ: 'refresh',
    });
    expect(decodeHeader(issued.token)).toEqual({ alg: 'HS256', typ: 'JWT', kid: keyId(REFRESH) });
    expect(issued.expiresInSeconds).toBe(604_800);
    expect(issued.expiresAt).toEqual(new Date((now + 604_800) * 1000));
  });

  it('when the session ends before the access TTL, then the access token expires with the session', () => {
    const { tokens, clock } = setup();
    const now = Math.floor(clock.now() / 1000);

    const issued = tokens.issueAccessToken({ ...subject, notAfter: new Date((now + 60) * 1000) });

    expect(decodePayload(issued.token).exp).toBe(now + 60);
    expect(issued.expiresInSeconds).toBe(60);
  });

  it('when the session ends before the refresh TTL, then exp is capped at notAfter and the other fields agree', () => {
    const { tokens, now } = setup();
    const notAfter = new Date((now + 3600) * 1000 + 999);

    const issued = issueRefresh(tokens, notAfter);

    const { exp } = decodePayload(issued.token);
    expect(exp).toBe(now + 3600);
    expect(issued.expiresAt).toEqual(new Date((now + 3600) * 1000));
    expect(issued.expiresInSeconds).toBe(3600);
  });

  it('when a refresh token is issued, then tokenHash is the SHA-256 hex of the token and differs per token', () => {
    const { tokens } = setup();
    const first = issueRefresh(tokens);
    const second = issueRefresh(tokens);

    expect(first.tokenHash).toBe(createHash('sha256').update(first.token).digest('hex'));
    expect(hashRefreshToken(first.token)).toBe(first.tokenHash);
    expect(first.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(second.tokenHash).not.toBe(first.tokenHash);
  });

  it('when tokens are issued twice at the same instant, then each has its own jti', () => {
    const { tokens } = setup();
    const [a, b] = [tokens.issueAccessToken(subject), tokens.issueAccessToken(subject)];
    const [c, d] = [issueRefresh(tokens), issueRefresh(tokens)];

    expect(decodePayload(a.token).jti).not.toBe(decodePayload(b.token).jti);
    expect(c.jti).not.toBe(d.jti);
    expect(decodePayload(c.token).jti).toBe(c.jti);
  });
});

describe('token service: verifying', () => {
  it('when genuine tokens are verified, then both are valid with their claims', () => {
    const { tokens } = setup();
    const access = tokens.issueAccessToken(subject).token;
    const refresh = issueRefresh(tokens).token;

    expect(tokens.verifyAccessToken(access)).toEqual({
      status: 'valid',
      claims: decodePayload(access),
    });
    expect(tokens.verifyRefreshToken(refresh)).toEqual({
      status: 'valid',
      claims: decodePayload(refresh),
    });
  });

  it('when the clock reaches exp exactly, then expired; one second before, then valid', () => {
    const { tokens, clock } = setup();
    const access = tokens.issueAccessToken(subject).token;
    const refresh = issueRefresh(tokens).token;

    clock.advance('899s');
    expect(tokens.verifyAccessToken(access).status).toBe('valid');
    clock.advance('1s');
    expect(tokens.verifyAccessToken(access)).toEqual({ status: 'expired' });

    clock.advance(`${604_800 - 900 - 1}s`);
    expect(tokens.verifyRefreshToken(refresh).status).toBe('valid');
    clock.advance('1s');
    expect(tokens.verifyRefreshToken(refresh)).toEqual({ status: 'expired' });
  });

  it('when one kind of token is given as the other, then invalid, even if signed with the right key', () => {
    const { tokens } = setup();
    const access = tokens.issueAccessToken(subject).token;
    const refresh = issueRefresh(tokens).token;

    expect(tokens.verifyRefreshToken(access)).toEqual({ status: 'invalid' });
    expect(tokens.verifyAccessToken(refresh)).toEqual({ status: 'invalid' });
    // typ is pinned on its own: the right key with the wrong type is still refused.
    expect(tokens.verifyAccessToken(signAs(decodePayload(refresh), ACCESS))).toEqual({
      status: 'invalid',
    });
    expect(tokens.verifyRefreshToken(signAs(decodePayload(access), REFRESH))).toEqual({
      status: 'invalid',
    });
  });

  const forgeries: Array<[string, (access: string) => string]> = [
    ['alg is none', (t) => withAlgNone(t)],
    ['it is re-signed with HS384', (t) => resigned(t, ACCESS, 'HS384')],
    ['it is re-signed with HS512', (t) => resigned(t, ACCESS, 'HS512')],
    ['the payload is tampered with', (t) => withTamperedPayload(t, { role: 'admin' })],
    ['it is signed with a foreign key under our kid', (t) => resigned(t, FOREIGN)],
    ['its kid is unknown', (t) => signAs(decodePayload(t), ACCESS, { keyid: 'no-such-kid' })],
    ['it has no kid', (t) => jwt.sign(decodePayload(t), ACCESS, { algorithm: 'HS256' })],
    ['the issuer is wrong', (t) => signAs({ ...decodePayload(t), iss: 'evil' }, ACCESS)],
    ['the audience is wrong', (t) => signAs({ ...decodePayload(t), aud: 'other-api' }, ACCESS)],
    ['sub is missing', (t) => withoutClaim(t, 'sub')],
    ['sid is missing', (t) => withoutClaim(t, 'sid')],
    ['jti is missing', (t) => withoutClaim(t, 'jti')],
    ['the role is unknown', (t) => signAs({ ...decodePayload(t), role: 'root' }, ACCESS)],
    [
      'email_verified is not a boolean',
      (t) => signAs({ ...decodePayload(t), email_verified: 'true' }, ACCESS),
    ],
    ['it is empty', () => ''],
    ['it is garbage', () => 'not a token at all'],
    ['it is a.b.c', () => 'a.b.c'],
    ['the header is not JSON', (t) => `${b64('{not json')}.${t.split('.').slice(1).join('.')}`],
  ];

  it.each(forgeries)('when %s, then the access token is invalid', (_case, forge) => {
    const { tokens } = setup();
    const forged = forge(tokens.issueAccessToken(subject).token);

    expect(tokens.verifyAccessToken(forged)).toEqual({ status: 'invalid' });
  });

  it('when a genuine token is at most 2048 characters, then valid; one character pad more, then invalid', () => {
    const { tokens } = setup();
    const payload = decodePayload(tokens.issueAccessToken(subject).token);
    const padded = (length: number) => signAs({ ...payload, pad: 'x'.repeat(length) }, ACCESS);
    // The longest pad that keeps the token within 2048 characters, whatever the claims' own length.
    let fits = 0;
    while (padded(fits + 1).length <= 2048) fits += 1;
    const short = padded(fits);
    const long = padded(fits + 1);

    expect(short.length).toBeLessThanOrEqual(2048);
    expect(long.length).toBeGreaterThan(2048);
    expect(tokens.verifyAccessToken(short).status).toBe('valid');
    expect(tokens.verifyAccessToken(long)).toEqual({ status: 'invalid' });
  });

  it('when an expired token is signed with a foreign key, then invalid, not expired', () => {
    const { tokens, clock } = setup();
    const genuine = tokens.issueAccessToken(subject).token;
    const forged = resigned(genuine, FOREIGN);
    clock.advance('1h');

    expect(tokens.verifyAccessToken(genuine)).toEqual({ status: 'expired' });
    expect(tokens.verifyAccessToken(forged)).toEqual({ status: 'invalid' });
  });
});

type Tokens = ReturnType<typeof setup>['tokens'];
const tokenKinds: Array<{
  kind: string;
  secret: string;
  issue: (tokens: Tokens) => string;
  verify: (tokens: Tokens, token: string) => Verification<object>;
}> = [
  {
    kind: 'access',
    secret: ACCESS,
    issue: (tokens) => tokens.issueAccessToken(subject).token,
    verify: (tokens, token) => tokens.verifyAccessToken(token),
  },
  {
    kind: 'refresh',
    secret: REFRESH,
    issue: (tokens) => issueRefresh(tokens).token,
    verify: (tokens, token) => tokens.verifyRefreshToken(token),
  },
];

describe.each(tokenKinds)('token service: a $kind token signed with our key', (kind) => {
  /** One of our tokens, its claims changed and signed again with our key: only the claims can refuse it. */
  function reissued(changes: (claims: Record<string, unknown>) => Record<string, unknown>) {
    const { tokens, clock, now } = setup();
    const claims = decodePayload(kind.issue(tokens));
    return { tokens, clock, now, token: signAs({ ...claims, ...changes(claims) }, kind.secret) };
  }

  it.each([[['auth-api']], [['auth-api', 'other-api']], [['other-api', 'auth-api']]])(
    'when aud is the array %j, which contains ours, then invalid',
    (aud) => {
      const { tokens, token } = reissued(() => ({ aud }));

      expect(kind.verify(tokens, token)).toEqual({ status: 'invalid' });
    },
  );

  it.each([61, 3600])('when iat is %i s ahead of our clock, then invalid', (ahead) => {
    const { tokens, token } = reissued((claims) => ({
      iat: (claims.iat as number) + ahead,
      exp: (claims.exp as number) + ahead,
    }));

    expect(kind.verify(tokens, token)).toEqual({ status: 'invalid' });
  });

  it.each([59, 60])(
    'when iat is %i s ahead (clock skew between instances), then valid',
    (ahead) => {
      const { tokens, token } = reissued((claims) => ({
        iat: (claims.iat as number) + ahead,
        exp: (claims.exp as number) + ahead,
      }));

      expect(kind.verify(tokens, token).status).toBe('valid');
    },
  );

  it('when nbf is ahead of our clock, then invalid until our clock reaches it', () => {
    const { tokens, clock, token } = reissued((claims) => ({ nbf: (claims.iat as number) + 30 }));

    expect(kind.verify(tokens, token)).toEqual({ status: 'invalid' });
    clock.advance('30s');
    expect(kind.verify(tokens, token).status).toBe('valid');
  });
});

describe('token service: key rotation', () => {
  it('when a token signed under the old secret meets a service with it as previous, then valid; without it, invalid', () => {
    const before = setup({ accessSecret: OLD_ACCESS, refreshSecret: OLD_REFRESH });
    const oldAccess = before.tokens.issueAccessToken(subject).token;
    const oldRefresh = issueRefresh(before.tokens).token;

    const rotated = setup({ accessSecretPrevious: OLD_ACCESS, refreshSecretPrevious: OLD_REFRESH });
    const newOnly = setup();

    expect(rotated.tokens.verifyAccessToken(oldAccess).status).toBe('valid');
    expect(rotated.tokens.verifyRefreshToken(oldRefresh).status).toBe('valid');
    expect(newOnly.tokens.verifyAccessToken(oldAccess)).toEqual({ status: 'invalid' });
    expect(newOnly.tokens.verifyRefreshToken(oldRefresh)).toEqual({ status: 'invalid' });
  });

  it('when a previous secret is configured, then new tokens are signed with the current one only', () => {
    const { tokens, now } = setup({
      accessSecretPrevious: OLD_ACCESS,
      refreshSecretPrevious: OLD_REFRESH,
    });
    const access = tokens.issueAccessToken(subject).token;
    const refresh = issueRefresh(tokens).token;

    expect(decodeHeader(access).kid).toBe(keyId(ACCESS));
    expect(decodeHeader(refresh).kid).toBe(keyId(REFRESH));
    expect(() => jwt.verify(access, ACCESS, { clockTimestamp: now })).not.toThrow();
    expect(() => jwt.verify(access, OLD_ACCESS, { clockTimestamp: now })).toThrow(
      jwt.JsonWebTokenError,
    );
    expect(() => jwt.verify(refresh, OLD_REFRESH, { clockTimestamp: now })).toThrow(
      jwt.JsonWebTokenError,
    );
  });

  it('when a kid is derived, then it is stable per secret, differs between secrets and never contains the secret', () => {
    expect(keyId(ACCESS)).toBe(keyId(ACCESS));
    expect(keyId(ACCESS)).not.toBe(keyId(OLD_ACCESS));
    expect(keyId(ACCESS)).toHaveLength(16);
    expect(keyId(ACCESS)).not.toContain(ACCESS.slice(0, 8));
    expect(keyId(ACCESS)).not.toContain(b64(ACCESS).slice(0, 8));
  });
});
