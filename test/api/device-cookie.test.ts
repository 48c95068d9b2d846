// Cookie mode keeps the device token in an HttpOnly cookie scoped to the login path, so a browser app has nothing to
// store: the next login from that browser is a trusted device's, and an attacker locking the account elsewhere
// does not lock it out. The cookie is __Secure- prefixed wherever it is Secure, and a planted second one is not
// trusted.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors/error-catalogue.js';
import { registerAccount, type Account } from '../helpers/accounts.js';
import { expectError } from '../helpers/api-calls.js';
import {
  APP_ORIGIN,
  COOKIE_MODE_ENV,
  cookieOf,
  cookieValue,
} from '../helpers/cookie-mode-calls.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';

const env = { ...COOKIE_MODE_ENV, LOGIN_THROTTLE_FAILURES: '3', TRUST_PROXY: '1' };
let ipCounter = 0;

function loginFromBrowser(
  app: TestApp['app'],
  account: Account,
  password: string,
  cookie?: string,
) {
  ipCounter += 1;
  const call = request(app)
    .post('/api/auth/login')
    .set('Origin', APP_ORIGIN)
    .set('X-Forwarded-For', `192.0.2.${String(ipCounter % 250)}`);
  if (cookie !== undefined) call.set('Cookie', cookie);
  return call.send({ email: account.email, password });
}

async function lockUntrusted(app: TestApp['app'], account: Account) {
  for (let i = 0; i < 3; i += 1) await loginFromBrowser(app, account, 'Attacker-guess-1!');
}

describe('the device cookie (cookie mode)', () => {
  it('when a browser logs in, then the device token is set HttpOnly, scoped to the login path, and equals the body', async () => {
    const { app } = buildTestApp({ env });
    const account = await registerAccount(app);

    const response = await loginFromBrowser(app, account, account.password);

    const setCookie = cookieOf(response, 'device_token');
    expect(setCookie).toMatch(/; HttpOnly/);
    expect(setCookie).toMatch(/; Path=\/api\/auth\/login/);
    expect(cookieValue(setCookie)).toBe(
      `device_token=${(response.body as { data: { deviceToken: string } }).data.deviceToken}`,
    );
  });

  it('when the account is locked by guesses from elsewhere, then the browser that signed in before still signs in', async () => {
    const { app } = buildTestApp({ env });
    const account = await registerAccount(app);
    const device = cookieValue(
      cookieOf(await loginFromBrowser(app, account, account.password), 'device_token'),
    );
    await lockUntrusted(app, account);

    expectError(
      await loginFromBrowser(app, account, account.password),
      ErrorCodes.INVALID_CREDENTIALS,
    );
    expect((await loginFromBrowser(app, account, account.password, device)).status).toBe(200);
  });

  it('when a second device cookie is planted beside the real one, then neither is trusted', async () => {
    const { app } = buildTestApp({ env });
    const account = await registerAccount(app);
    const device = cookieValue(
      cookieOf(await loginFromBrowser(app, account, account.password), 'device_token'),
    );
    await lockUntrusted(app, account);

    const response = await loginFromBrowser(
      app,
      account,
      account.password,
      `device_token=dvc_AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA; ${device}`,
    );

    expectError(response, ErrorCodes.INVALID_CREDENTIALS);
  });

  it('when cookies are Secure, then the device cookie is __Secure-device_token', async () => {
    const { app } = buildTestApp({ env: { ...env, REFRESH_COOKIE_SAMESITE: 'none' } });
    const account = await registerAccount(app);

    const response = await loginFromBrowser(app, account, account.password);

    expect(cookieOf(response, '__Secure-device_token')).toMatch(/; Secure/);
  });
});
