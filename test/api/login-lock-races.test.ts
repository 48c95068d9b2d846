// The lock under concurrency: a login reserves its failure slot before the slow compare, so no burst, however
// parallel and however many instances it is spread over, gets more than LOGIN_THROTTLE_FAILURES guesses compared
// against the account's real hash in a lock window. Instances share the counters as they share Redis.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createMemoryCounterStore } from '../../src/limits/counter-store.js';
import { registerAccount, type Account } from '../helpers/accounts.js';
import { countingHasher } from '../helpers/counting-hasher.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';

const MAX_FAILURES = 5;
const env = {
  LOGIN_THROTTLE_FAILURES: String(MAX_FAILURES),
  TRUST_PROXY: '1',
  RATE_LIMIT_LOGIN: '1000',
};
let ipCounter = 0;

function attempt(app: TestApp['app'], email: string, password: string) {
  ipCounter += 1;
  return request(app)
    .post('/api/auth/login')
    .set('X-Forwarded-For', `198.51.100.${String(ipCounter % 250)}`)
    .send({ email, password });
}

async function storedHashOf(testApp: TestApp, account: Account): Promise<string> {
  const user = await testApp.stores.users.findLiveUserByEmail(account.email);
  if (!user) throw new Error('the account was not stored');
  return user.passwordHash;
}

describe('the login lock under concurrency', () => {
  it('when 40 wrong passwords arrive at once, then at most LOGIN_THROTTLE_FAILURES are compared with the real hash', async () => {
    const hasher = countingHasher();
    const testApp = buildTestApp({ env, hasher });
    const account = await registerAccount(testApp.app);
    const stored = await storedHashOf(testApp, account);

    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        attempt(testApp.app, account.email, `Wrong-${String(i)}-x!`),
      ),
    );

    expect(answers.every((answer) => answer.status === 401)).toBe(true);
    const realCompares = hasher.compared.filter((hash) => hash === stored).length;
    expect(realCompares).toBeGreaterThan(0);
    expect(realCompares).toBeLessThanOrEqual(MAX_FAILURES);
    expect((await attempt(testApp.app, account.email, account.password)).status).toBe(401);
  });

  it('when the right password is inside a burst of wrong ones, then it logs in only if it was among the first slots', async () => {
    const hasher = countingHasher();
    const testApp = buildTestApp({ env, hasher });
    const account = await registerAccount(testApp.app);
    const stored = await storedHashOf(testApp, account);
    const passwords = Array.from({ length: 30 }, (_, i) => `Wrong-${String(i)}-x!`);
    passwords.splice(20, 0, account.password);

    const answers = await Promise.all(
      passwords.map((password) => attempt(testApp.app, account.email, password)),
    );

    const realCompares = hasher.compared.filter((hash) => hash === stored).length;
    expect(realCompares).toBeLessThanOrEqual(MAX_FAILURES + 1);
    const successes = answers.filter((answer) => answer.status === 200).length;
    // A success gives its slot back; the guesses compared are still bounded by the threshold plus that one.
    expect(successes).toBeLessThanOrEqual(1);
    expect(realCompares - successes).toBeLessThanOrEqual(MAX_FAILURES);
  });

  it('when a burst is spread over three instances sharing counters and store, then the bound holds across them', async () => {
    const hasher = countingHasher();
    const counters = createMemoryCounterStore(new FakeClock());
    const first = buildTestApp({ env, hasher, sharedCounters: counters });
    const instances = [
      first,
      buildTestApp({ env, hasher, sharedCounters: counters, sharedStores: first.stores }),
      buildTestApp({ env, hasher, sharedCounters: counters, sharedStores: first.stores }),
    ];
    const account = await registerAccount(first.app);
    const stored = await storedHashOf(first, account);

    await Promise.all(
      Array.from({ length: 45 }, (_, i) =>
        attempt(instances[i % 3]?.app ?? first.app, account.email, `Wrong-${String(i)}-x!`),
      ),
    );

    const realCompares = hasher.compared.filter((hash) => hash === stored).length;
    expect(realCompares).toBeGreaterThan(0);
    expect(realCompares).toBeLessThanOrEqual(MAX_FAILURES);
  });

  it('when 12 right-password logins of one account arrive at once, on two instances, then every one signs in', async () => {
    const counters = createMemoryCounterStore(new FakeClock());
    const first = buildTestApp({ env, sharedCounters: counters });
    const second = buildTestApp({ env, sharedCounters: counters, sharedStores: first.stores });
    const account = await registerAccount(first.app);

    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        attempt((i % 2 === 0 ? first : second).app, account.email, account.password),
      ),
    );

    expect(answers.map((answer) => answer.status)).toEqual(Array.from({ length: 12 }, () => 200));
  });

  it('when wrong passwords for an unknown email arrive at once, then each costs one comparison and all are refused alike', async () => {
    const hasher = countingHasher();
    const { app } = buildTestApp({ env, hasher });

    const answers = await Promise.all(
      Array.from({ length: 20 }, () => attempt(app, 'nobody@example.com', 'Wrong-pass-1!')),
    );

    expect(answers.every((answer) => answer.status === 401)).toBe(true);
    expect(hasher.calls.verify).toBe(20);
  });
});
