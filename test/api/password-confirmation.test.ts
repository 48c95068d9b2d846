// Password confirmations by a signed-in session read the store, never a cached account: two instances share one
// store, and each keeps its own session cache for SESSION_CACHE_TTL.
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors/error-catalogue.js';
import { logIn, registerAccount } from '../helpers/accounts.js';
import { authorized, expectError, profile } from '../helpers/api-calls.js';
import { buildTestApp } from '../helpers/test-app.js';

const NEW_PASSWORD = 'Fresh-kettle-of-fish-7!';

describe('password confirmation across instances', () => {
  it('when one instance changed the password, then another that cached the session refuses the old one at once', async () => {
    const first = buildTestApp();
    const second = buildTestApp({ sharedStores: first.stores });
    const account = await registerAccount(first.app);
    const caller = await logIn(first.app, account);
    // The second instance caches the session (and, before, the account with its password hash).
    expect((await profile(second.app, caller.accessToken)).status).toBe(200);
    const changed = await authorized(
      first.app,
      'post',
      '/api/auth/change-password',
      caller.accessToken,
    ).send({ currentPassword: account.password, newPassword: NEW_PASSWORD });
    expect(changed.status).toBe(200);

    const withOld = await authorized(
      second.app,
      'delete',
      '/api/auth/account',
      caller.accessToken,
    ).send({ password: account.password });
    const changeWithOld = await authorized(
      second.app,
      'post',
      '/api/auth/change-password',
      caller.accessToken,
    ).send({ currentPassword: account.password, newPassword: 'Another-kettle-of-fish-8!' });

    expectError(withOld, ErrorCodes.PASSWORD_INCORRECT);
    expectError(changeWithOld, ErrorCodes.PASSWORD_INCORRECT);
    const withNew = await authorized(
      second.app,
      'delete',
      '/api/auth/account',
      caller.accessToken,
    ).send({ password: NEW_PASSWORD });
    expect(withNew.status).toBe(200);
  });
});
