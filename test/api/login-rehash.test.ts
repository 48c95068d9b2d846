// After BCRYPT_ROUNDS changes, a stored hash of the old cost would make an account's logins take another time than
// an unknown email's (compared against a dummy of the new cost). The next successful login re-hashes it. Two apps
// share one store: the first hashes at cost 4, the second, "after the change", at cost 5.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { costOf } from '../../src/auth/passwords/password-hasher.js';
import { logIn, registerAccount, type Account } from '../helpers/accounts.js';
import { profile } from '../helpers/api-calls.js';
import { countingHasher } from '../helpers/counting-hasher.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';

const login = (app: TestApp['app'], email: string, password: string) =>
  request(app).post('/api/auth/login').send({ email, password });

async function beforeAndAfterTheChange() {
  const before = buildTestApp();
  const hasher = countingHasher(5);
  const after = buildTestApp({ sharedStores: before.stores, hasher });
  const account = await registerAccount(before.app);
  const stored = async (of: Account) => before.stores.users.findLiveUserByEmail(of.email);
  return { before, after, hasher, account, stored };
}

describe('re-hashing at login after BCRYPT_ROUNDS changes', () => {
  it('when the right password logs in, then the hash is re-made at the new cost, and nothing else changes', async () => {
    const { before, after, account, stored } = await beforeAndAfterTheChange();
    const earlier = await logIn(before.app, account);
    const old = await stored(account);

    expect((await login(after.app, account.email, account.password)).status).toBe(200);

    const now = await stored(account);
    expect(costOf(old?.passwordHash ?? '')).toBe(4);
    expect(costOf(now?.passwordHash ?? '')).toBe(5);
    expect(now?.passwordChangedAt).toEqual(old?.passwordChangedAt);
    expect((await profile(before.app, earlier.accessToken)).status).toBe(200);
    expect((await login(after.app, account.email, account.password)).status).toBe(200);
    expect((await login(before.app, account.email, account.password)).status).toBe(200);
  });

  it('when a wrong password is tried, then the hash keeps its old cost', async () => {
    const { after, account, stored } = await beforeAndAfterTheChange();

    expect((await login(after.app, account.email, 'Wrong-pass-1!')).status).toBe(401);

    expect(costOf((await stored(account))?.passwordHash ?? '')).toBe(4);
  });

  it('when the account has logged in once after the change, then its logins and unknown emails compare at the same cost', async () => {
    const { after, hasher, account } = await beforeAndAfterTheChange();
    await login(after.app, account.email, account.password);
    hasher.compared.length = 0;

    await login(after.app, account.email, 'Wrong-pass-1!');
    await login(after.app, 'nobody@example.com', 'Wrong-pass-1!');

    expect(hasher.compared.map(costOf)).toEqual([5, 5]);
  });
});
