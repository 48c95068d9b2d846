// Reuse outside the grace (DESIGN section 9) seen from the owner and the operator: the session ends (or all of them,
// with REUSE_REVOKES_ALL_SESSIONS), the owner gets one notice over real SMTP, at most three a day, the audit line
// and the metric say what happened, and no token or token hash reaches a mail or a log line. A logout is not theft.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { hashRefreshToken } from '../../src/auth/tokens/token-service.js';
import { ErrorCodes } from '../../src/errors/error-catalogue.js';
import { logIn, registerAccount, registerAndLogIn, type LoggedIn } from '../helpers/accounts.js';
import { expectError, logout, profile, refresh } from '../helpers/api-calls.js';
import { decodePayload } from '../helpers/forged-tokens.js';
import { buildRecoveryTestApp, type RecoveryTestApp } from '../helpers/recovery-app.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';

type App = TestApp['app'];

const NOTICE_SUBJECT = 'We signed out a session of your account for your security';
const METRICS_TOKEN = 'metrics-token-0123456789-abcdefghijklmnop';

const refreshTokenOf = (response: { body: unknown }) =>
  (response.body as { data: { refreshToken: string } }).data.refreshToken;
const reasonOf = (response: { body: unknown }) => (response.body as { reason?: string }).reason;
const sessionIdOf = (login: LoggedIn) => decodePayload(login.accessToken).sid as string;

/** Rotates the login's refresh token once and returns the successor. */
async function rotate(app: App, refreshToken: string): Promise<string> {
  const response = await refresh(app, refreshToken);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return refreshTokenOf(response);
}

/** A replay of an old refresh token from the thief's device. */
const replay = (app: App, refreshToken: string) =>
  refresh(app, refreshToken).set('User-Agent', 'stolen-copy');

const notices = (testApp: RecoveryTestApp) =>
  testApp.receiver.mails.filter((mail) => mail.subject === NOTICE_SUBJECT);

/** The counter's value in the app's /metrics text. */
async function reuseCount(app: App, outcome: 'graced' | 'revoked'): Promise<number> {
  const scrape = await request(app).get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`);
  expect(scrape.status).toBe(200);
  const line = new RegExp(`^auth_refresh_reuse_total\\{outcome="${outcome}"\\} (\\d+)$`, 'm');
  return Number(line.exec(scrape.text)?.[1] ?? Number.NaN);
}

describe('refresh token reuse outside the grace', () => {
  it("when a rotated token comes back after the window, then 401 REFRESH_TOKEN_REUSED, and the session's access and refresh tokens are refused with reason refresh_token_reused", async () => {
    const { app, clock } = buildTestApp();
    const login = await registerAndLogIn(app);
    const successor = await rotate(app, login.refreshToken);
    clock.advance('11s');

    expectError(await replay(app, login.refreshToken), ErrorCodes.REFRESH_TOKEN_REUSED);

    const bearer = await profile(app, login.accessToken);
    expectError(bearer, ErrorCodes.SESSION_REVOKED);
    expect(reasonOf(bearer)).toBe('refresh_token_reused');
    const next = await refresh(app, successor);
    expectError(next, ErrorCodes.SESSION_REVOKED);
    expect(reasonOf(next)).toBe('refresh_token_reused');
  });

  it("when one session's token is reused, then by default the user's other sessions keep working", async () => {
    const { app, clock } = buildTestApp();
    const account = await registerAccount(app);
    const stolen = await logIn(app, account, 'phone');
    const laptop = await logIn(app, account, 'laptop');
    await rotate(app, stolen.refreshToken);
    clock.advance('11s');

    expectError(await replay(app, stolen.refreshToken), ErrorCodes.REFRESH_TOKEN_REUSED);

    expect((await profile(app, laptop.accessToken)).status).toBe(200);
    expect((await refresh(app, laptop.refreshToken)).status).toBe(200);
  });

  it("when REUSE_REVOKES_ALL_SESSIONS=true, then every session of the user ends with reason refresh_token_reused, and nobody else's", async () => {
    const { app, clock } = buildTestApp({ env: { REUSE_REVOKES_ALL_SESSIONS: 'true' } });
    const account = await registerAccount(app);
    const stolen = await logIn(app, account, 'phone');
    const others = [await logIn(app, account, 'laptop'), await logIn(app, account, 'tablet')];
    const stranger = await registerAndLogIn(app);
    await rotate(app, stolen.refreshToken);
    clock.advance('11s');

    expectError(await replay(app, stolen.refreshToken), ErrorCodes.REFRESH_TOKEN_REUSED);

    for (const other of others) {
      const bearer = await profile(app, other.accessToken);
      expectError(bearer, ErrorCodes.SESSION_REVOKED);
      expect(reasonOf(bearer)).toBe('refresh_token_reused');
      const next = await refresh(app, other.refreshToken);
      expectError(next, ErrorCodes.SESSION_REVOKED);
      expect(reasonOf(next)).toBe('refresh_token_reused');
    }
    expect((await profile(app, stranger.accessToken)).status).toBe(200);
  });

  it('when reuse is detected, then the owner receives exactly one notice over SMTP naming the IP and the time, and no token or token hash is in it or in the log', async () => {
    const testApp = await buildRecoveryTestApp();
    const { app, clock } = testApp;
    const login = await registerAndLogIn(app);
    const successor = await rotate(app, login.refreshToken);
    clock.advance('11s');
    const detectedAt = new Date(clock.now()).toISOString();

    expectError(await replay(app, login.refreshToken), ErrorCodes.REFRESH_TOKEN_REUSED);
    clock.advance('1m');
    expectError(await replay(app, login.refreshToken), ErrorCodes.SESSION_REVOKED);
    expectError(await replay(app, successor), ErrorCodes.SESSION_REVOKED);
    await testApp.deliver();
    await testApp.deliver();

    const mails = notices(testApp);
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    expect(mail?.to).toEqual([login.account.email]);
    expect(mail?.envelopeTo).toEqual([login.account.email]);
    expect(mail?.text).toContain(`At ${detectedAt} `);
    expect(mail?.text).toMatch(/IP address (::ffff:)?127\.0\.0\.1 \(stolen-copy\)/);
    const secrets = [login.refreshToken, successor, login.accessToken].flatMap((token) => [
      token,
      hashRefreshToken(token),
    ]);
    for (const secret of secrets) {
      expect(`${mail?.subject ?? ''}\n${mail?.text ?? ''}\n${String(mail?.html)}`).not.toContain(
        secret,
      );
      expect(testApp.logs.text).not.toContain(secret);
    }
  });

  it('when ten replays of one stolen token race after the window, then all are refused, with one audit line and one mail', async () => {
    const testApp = await buildRecoveryTestApp();
    const { app, clock } = testApp;
    const login = await registerAndLogIn(app);
    await rotate(app, login.refreshToken);
    clock.advance('11s');

    const answers = await Promise.all(
      Array.from({ length: 10 }, () => replay(app, login.refreshToken)),
    );
    await testApp.deliver();

    const codes = answers.map((answer) => (answer.body as { error: string }).error);
    expect(answers.every((answer) => answer.status === 401)).toBe(true);
    expect(codes).toContain(ErrorCodes.REFRESH_TOKEN_REUSED);
    for (const code of codes) {
      expect([ErrorCodes.REFRESH_TOKEN_REUSED, ErrorCodes.SESSION_REVOKED]).toContain(code);
    }
    expect(testApp.logs.events('token.reuse_detected')).toHaveLength(1);
    expect(notices(testApp)).toHaveLength(1);
  });

  it('when four sessions of one user are reused in one day, then three notices go out, and a day later one does again', async () => {
    const testApp = await buildRecoveryTestApp();
    const { app, clock } = testApp;
    const account = await registerAccount(app);
    const stolenToken = async () => {
      const login = await logIn(app, account);
      await rotate(app, login.refreshToken);
      return login.refreshToken;
    };
    const stolen: string[] = [];
    while (stolen.length < 4) stolen.push(await stolenToken());
    clock.advance('11s');

    for (const token of stolen) {
      expectError(await replay(app, token), ErrorCodes.REFRESH_TOKEN_REUSED);
    }
    await testApp.deliver();

    expect(notices(testApp)).toHaveLength(3);
    expect(testApp.logs.events('token.reuse_detected').map((line) => line.ownerMailed)).toEqual([
      true,
      true,
      true,
      false,
    ]);

    clock.advance('1d');
    const nextDay = await stolenToken();
    clock.advance('11s');
    expectError(await replay(app, nextDay), ErrorCodes.REFRESH_TOKEN_REUSED);
    await testApp.deliver();

    expect(notices(testApp)).toHaveLength(4);
  });

  it('when reuse is detected, then the audit line token.reuse_detected has ids, generations behind, first use, IP and agent, and no token material', async () => {
    const { app, clock, logs } = buildTestApp();
    const login = await registerAndLogIn(app);
    clock.advance('1m');
    const firstUsedAt = new Date(clock.now()).toISOString();
    const second = await rotate(app, login.refreshToken);
    clock.advance('1m');
    const third = await rotate(app, second);
    clock.advance('1m');

    expectError(await replay(app, login.refreshToken), ErrorCodes.REFRESH_TOKEN_REUSED);

    const lines = logs.events('token.reuse_detected');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      userId: login.account.id,
      sessionId: sessionIdOf(login),
      generationsBehind: 2,
      firstUsedAt,
      ip: expect.stringMatching(/127\.0\.0\.1$/) as string,
      userAgent: 'stolen-copy',
    });
    const line = JSON.stringify(lines[0]);
    for (const token of [login.refreshToken, second, third]) {
      expect(line).not.toContain(token);
      expect(line).not.toContain(hashRefreshToken(token));
      expect(line).not.toContain(decodePayload(token).jti as string);
    }
    expect(line).not.toMatch(/token(Hash)?"\s*:/i);
  });

  it('when the replayed token was rotated in the instant it was issued, then the audit line still counts one generation behind', async () => {
    const { app, clock, logs } = buildTestApp();
    const login = await registerAndLogIn(app);
    await rotate(app, login.refreshToken);
    clock.advance('11s');

    expectError(await replay(app, login.refreshToken), ErrorCodes.REFRESH_TOKEN_REUSED);

    expect(logs.events('token.reuse_detected')).toEqual([
      expect.objectContaining({ generationsBehind: 1 }),
    ]);
  });

  it('when the owner logs out, even with the token another tab just rotated, then it is not theft: no notice, no audit line, no reuse metric', async () => {
    const testApp = await buildRecoveryTestApp({ env: { METRICS_TOKEN } });
    const { app } = testApp;
    const account = await registerAccount(app);
    const plain = await logIn(app, account);
    const tabs = await logIn(app, account);
    await rotate(app, tabs.refreshToken);

    await logout(app, plain.refreshToken).expect(200);
    await logout(app, tabs.refreshToken).expect(200);
    const after = await refresh(app, plain.refreshToken);
    await testApp.deliver();

    expectError(after, ErrorCodes.SESSION_REVOKED);
    expect(reasonOf(after)).toBe('logout');
    expect(reasonOf(await profile(app, tabs.accessToken))).toBe('logout');
    expect(notices(testApp)).toHaveLength(0);
    expect(testApp.logs.events('token.reuse_detected')).toHaveLength(0);
    expect(await reuseCount(app, 'revoked')).toBe(0);
  });

  it('when a replay is graced and another comes after the window, then auth_refresh_reuse_total counts one graced and one revoked', async () => {
    const { app, clock } = buildTestApp({ env: { METRICS_TOKEN } });
    const login = await registerAndLogIn(app);
    expect(await reuseCount(app, 'graced')).toBe(0);
    expect(await reuseCount(app, 'revoked')).toBe(0);

    await rotate(app, login.refreshToken);
    await rotate(app, login.refreshToken);
    expect(await reuseCount(app, 'graced')).toBe(1);
    clock.advance('11s');
    expectError(await replay(app, login.refreshToken), ErrorCodes.REFRESH_TOKEN_REUSED);

    expect(await reuseCount(app, 'graced')).toBe(1);
    expect(await reuseCount(app, 'revoked')).toBe(1);
  });
});
