// Device tokens (OWASP's device-cookie defence): an attacker hammering an account from elsewhere locks its untrusted
// bucket, never a device that signed in before. Each attempt comes from its own IP through a trusted proxy, so only
// the per-account lock (not the per-IP limit) can be what refuses.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors/error-catalogue.js';
import { logIn, registerAccount, type Account } from '../helpers/accounts.js';
import { expectError } from '../helpers/api-calls.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';

const env = { LOGIN_THROTTLE_FAILURES: '3', TRUST_PROXY: '1' };
const WRONG = 'Attacker-guess-1!';
let ipCounter = 0;

function attempt(app: TestApp['app'], email: string, password: string, deviceToken?: unknown) {
  ipCounter += 1;
  return request(app)
    .post('/api/auth/login')
    .set('X-Forwarded-For', `203.0.113.${String(ipCounter % 250)}`)
    .send({ email, password, ...(deviceToken === undefined ? {} : { deviceToken }) });
}

async function lockUntrusted(app: TestApp['app'], account: Account) {
  for (let i = 0; i < 3; i += 1) await attempt(app, account.email, WRONG);
  expectError(await attempt(app, account.email, account.password), ErrorCodes.INVALID_CREDENTIALS);
}

const deviceTokenOf = (response: request.Response) =>
  (response.body as { data: { deviceToken: string } }).data.deviceToken;

describe('device tokens', () => {
  it('when a login succeeds, then it returns an opaque device token, kept by the next login that presents it', async () => {
    const { app } = buildTestApp({ env });
    const account = await registerAccount(app);
    const { deviceToken } = await logIn(app, account);

    const again = await attempt(app, account.email, account.password, deviceToken);

    expect(deviceToken).toMatch(/^dvc_[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{32}$/);
    expect(again.status).toBe(200);
    expect(deviceTokenOf(again)).toBe(deviceToken);
  });

  it('when an attacker has locked the account, then its owner still signs in from a device that signed in before', async () => {
    const { app, logs } = buildTestApp({ env });
    const account = await registerAccount(app);
    const { deviceToken } = await logIn(app, account);

    await lockUntrusted(app, account);
    const owner = await attempt(app, account.email, account.password, deviceToken);

    expect(owner.status).toBe(200);
    expect(logs.events('login.lockout')).toEqual([
      expect.objectContaining({ clientClass: 'untrusted', failures: 3 }),
    ]);
    expect(logs.text).not.toContain(deviceToken);
  });

  it("when the device token is another account's, then it is not trusted for this one", async () => {
    const { app } = buildTestApp({ env });
    const victim = await registerAccount(app);
    const attacker = await registerAccount(app);
    const { deviceToken: attackersDevice } = await logIn(app, attacker);
    await lockUntrusted(app, victim);

    const response = await attempt(app, victim.email, victim.password, attackersDevice);

    expectError(response, ErrorCodes.INVALID_CREDENTIALS);
  });

  it.each([
    ['a made-up value', 'dvc_AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['an empty string', ''],
    ['a token with its MAC altered', 'altered'],
  ])('when the device token is %s, then it is ignored: the lock holds', async (_, presented) => {
    const { app } = buildTestApp({ env });
    const account = await registerAccount(app);
    const { deviceToken } = await logIn(app, account);
    const otherLast = deviceToken.endsWith('A') ? 'B' : 'A';
    const value = presented === 'altered' ? `${deviceToken.slice(0, -1)}${otherLast}` : presented;
    await lockUntrusted(app, account);

    const response = await attempt(app, account.email, account.password, value);

    expect(value).not.toBe(deviceToken);
    expectError(response, ErrorCodes.INVALID_CREDENTIALS);
  });

  it.each([
    ['a number', 42],
    ['an object', { $ne: '' }],
    ['over 100 characters', `dvc_${'A'.repeat(100)}`],
  ])(
    'when the device token is %s, then 400 VALIDATION_ERROR and nothing is stored',
    async (_, value) => {
      const { app, writes } = buildTestApp({ env });
      const account = await registerAccount(app);
      const mark = writes.mark();

      const response = await attempt(app, account.email, account.password, value);

      expectError(response, ErrorCodes.VALIDATION_ERROR);
      expect(writes.since(mark)).toEqual([]);
    },
  );

  it('when wrong passwords come with a device token, then they lock that device only, not the untrusted bucket', async () => {
    const { app, logs } = buildTestApp({ env });
    const account = await registerAccount(app);
    const { deviceToken } = await logIn(app, account);
    for (let i = 0; i < 3; i += 1) await attempt(app, account.email, WRONG, deviceToken);

    expect((await attempt(app, account.email, account.password)).status).toBe(200);
    expect(logs.events('login.lockout')).toEqual([
      expect.objectContaining({ clientClass: 'device', failures: 3 }),
    ]);
  });

  it('when a device has used up its attempts and the untrusted bucket is locked too, then it is refused like any client', async () => {
    const { app } = buildTestApp({ env });
    const account = await registerAccount(app);
    const { deviceToken } = await logIn(app, account);
    for (let i = 0; i < 3; i += 1) await attempt(app, account.email, WRONG, deviceToken);
    await lockUntrusted(app, account);

    const response = await attempt(app, account.email, account.password, deviceToken);

    expectError(response, ErrorCodes.INVALID_CREDENTIALS);
  });

  it('when the lock ends, then a locked-out device signs in again with its token', async () => {
    const { app, clock } = buildTestApp({ env });
    const account = await registerAccount(app);
    const { deviceToken } = await logIn(app, account);
    for (let i = 0; i < 3; i += 1) await attempt(app, account.email, WRONG, deviceToken);
    await lockUntrusted(app, account);

    clock.advance('1m');

    const response = await attempt(app, account.email, account.password, deviceToken);
    expect(response.status).toBe(200);
    expect(deviceTokenOf(response)).toBe(deviceToken);
  });

  it('when the lock is reached, then /metrics counts it by scope', async () => {
    const { app, config } = buildTestApp({ env: { ...env, METRICS_TOKEN: 'm'.repeat(32) } });
    const account = await registerAccount(app);
    const { deviceToken } = await logIn(app, account);
    for (let i = 0; i < 3; i += 1) await attempt(app, account.email, WRONG, deviceToken);
    await lockUntrusted(app, account);

    const metrics = await request(app)
      .get('/metrics')
      .set('Authorization', `Bearer ${config.metricsToken ?? ''}`);

    expect(metrics.text).toContain('auth_lockouts_total{scope="untrusted"} 1');
    expect(metrics.text).toContain('auth_lockouts_total{scope="device"} 1');
    expect(metrics.text).toContain('auth_lockouts_total{scope="session"} 0');
  });
});
