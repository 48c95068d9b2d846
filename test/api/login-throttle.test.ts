import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors/error-catalogue.js';
import { registerAccount } from '../helpers/accounts.js';
import { countingHasher } from '../helpers/counting-hasher.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';

// Three failures lock an account; each attempt comes from a different client IP through a trusted proxy, so only
// the per-account throttle (not the per-IP limit) can be what refuses.
const env = { LOGIN_THROTTLE_FAILURES: '3', TRUST_PROXY: '1' };
let ipCounter = 0;

function attempt(app: TestApp['app'], email: string, password: string) {
  ipCounter += 1;
  return request(app)
    .post('/api/auth/login')
    .set('X-Forwarded-For', `198.51.100.${String(ipCounter % 250)}`)
    .send({ email, password });
}

describe('per-account login throttling', () => {
  it('when an account has failed three times from three IPs, then even the right password is refused the same way', async () => {
    const { app, writes } = buildTestApp({ env });
    const account = await registerAccount(app);
    const mark = writes.mark();
    for (let i = 0; i < 3; i += 1) await attempt(app, account.email, 'Wrong-pass-1!').expect(401);

    const locked = await attempt(app, account.email, account.password);

    expect(locked.status).toBe(401);
    expect(locked.body).toEqual({
      success: false,
      message: 'The email or password is incorrect.',
      error: ErrorCodes.INVALID_CREDENTIALS,
    });
    expect(writes.since(mark)).toEqual([]);
  });

  it('when locked, unknown and wrong-password attempts are made, then each costs exactly one bcrypt comparison', async () => {
    const hasher = countingHasher();
    const { app } = buildTestApp({ env, hasher });
    const account = await registerAccount(app);
    for (let i = 0; i < 3; i += 1) await attempt(app, account.email, 'Wrong-pass-1!');
    const answers = [];

    for (const [email, password] of [
      [account.email, account.password],
      ['nobody@example.com', 'Wrong-pass-1!'],
      [(await registerAccount(app)).email, 'Wrong-pass-1!'],
    ] as const) {
      hasher.calls.verify = 0;
      const response = await attempt(app, email, password);
      expect(hasher.calls.verify).toBe(1);
      answers.push({ status: response.status, body: response.body as unknown });
    }

    expect(new Set(answers.map((answer) => JSON.stringify(answer))).size).toBe(1);
  });

  it('when the lock runs out, then the right password logs in and the count starts afresh', async () => {
    const { app, clock } = buildTestApp({ env });
    const account = await registerAccount(app);
    for (let i = 0; i < 3; i += 1) await attempt(app, account.email, 'Wrong-pass-1!');
    clock.advance('59s');
    expect((await attempt(app, account.email, account.password)).status).toBe(401);

    clock.advance('1s');

    expect((await attempt(app, account.email, account.password)).status).toBe(200);
    for (let i = 0; i < 2; i += 1) await attempt(app, account.email, 'Wrong-pass-1!');
    expect((await attempt(app, account.email, account.password)).status).toBe(200);
  });

  it('when failures continue after a lock, then the next lock is longer', async () => {
    const { app, clock } = buildTestApp({ env });
    const account = await registerAccount(app);
    for (let i = 0; i < 3; i += 1) await attempt(app, account.email, 'Wrong-pass-1!');
    clock.advance('1m');

    await attempt(app, account.email, 'Wrong-pass-1!');
    clock.advance('1m');

    expect((await attempt(app, account.email, account.password)).status).toBe(401);
    clock.advance('1m');
    expect((await attempt(app, account.email, account.password)).status).toBe(200);
  });

  it('when the email is typed in another case, then it counts against the same account', async () => {
    const { app } = buildTestApp({ env });
    const account = await registerAccount(app);
    for (const variant of [account.email, account.email.toUpperCase(), ` ${account.email} `]) {
      await attempt(app, variant, 'Wrong-pass-1!');
    }

    expect((await attempt(app, account.email, account.password)).status).toBe(401);
  });

  it('when one account is locked, then another account still logs in', async () => {
    const { app } = buildTestApp({ env });
    const victim = await registerAccount(app);
    const other = await registerAccount(app);
    for (let i = 0; i < 3; i += 1) await attempt(app, victim.email, 'Wrong-pass-1!');

    expect((await attempt(app, other.email, other.password)).status).toBe(200);
  });

  it('when a lock starts, then a login.lockout audit event names the account and the lock', async () => {
    const { app, logs } = buildTestApp({ env });
    const account = await registerAccount(app);

    for (let i = 0; i < 3; i += 1) await attempt(app, account.email, 'Wrong-pass-1!');
    await attempt(app, account.email, account.password);

    expect(logs.events('login.lockout')).toEqual([
      expect.objectContaining({ email: account.email, failures: 3, lockedForMs: 60_000 }),
    ]);
    expect(logs.events('login.failure').map((line) => line.reason)).toEqual([
      'wrong_password',
      'wrong_password',
      'wrong_password',
      'locked',
    ]);
  });
});
