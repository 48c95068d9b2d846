// Passwords as text, on every route that takes one: control characters (NUL above all: bcrypt stops reading at it)
// are refused, and passwords are compared in NFC, so the same password typed decomposed still matches.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors/error-catalogue.js';
import { logIn, newAccountInput, registerAccount } from '../helpers/accounts.js';
import { authorized, expectError } from '../helpers/api-calls.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';

const CONTROL_MESSAGE = 'Password must not contain control characters.';
/** "Café-Crème-1984!" composed (NFC) and decomposed (NFD): the same password, other bytes. */
const COMPOSED = 'Café-Crème-1984!'.normalize('NFC');
const DECOMPOSED = COMPOSED.normalize('NFD');

const login = (app: TestApp['app'], email: string, password: string) =>
  request(app).post('/api/auth/login').send({ email, password });

function expectPasswordProblem(response: request.Response, path: string, message: string) {
  expectError(response, ErrorCodes.VALIDATION_ERROR);
  expect((response.body as { details: unknown[] }).details).toContainEqual({ path, message });
}

describe('control characters in passwords', () => {
  it.each([
    ['NUL', '\u0000'],
    ['a tab', '\t'],
    ['a line feed', '\n'],
    ['DEL', '\u007F'],
    ['a C1 control', '\u0085'],
  ])('when a new password contains %s, then 400 and nothing stored', async (_, control) => {
    const { app, writes } = buildTestApp();
    const mark = writes.mark();

    const response = await request(app)
      .post('/api/auth/register')
      .send(newAccountInput({ password: `Correct-horse-9!${control}tail` }));

    expectPasswordProblem(response, 'password', CONTROL_MESSAGE);
    expect(writes.since(mark)).toEqual([]);
  });

  it('when the right password is followed by NUL and anything at login, then 400 and no session', async () => {
    const { app, writes } = buildTestApp();
    const account = await registerAccount(app);
    const mark = writes.mark();

    const response = await login(app, account.email, `${account.password}\u0000anything`);

    expectPasswordProblem(response, 'password', CONTROL_MESSAGE);
    expect(writes.since(mark)).toEqual([]);
  });

  it('when a new password given to change-password contains NUL, then 400', async () => {
    const { app } = buildTestApp();
    const caller = await logIn(app, await registerAccount(app));

    const response = await authorized(
      app,
      'post',
      '/api/auth/change-password',
      caller.accessToken,
    ).send({ currentPassword: caller.account.password, newPassword: 'Fresh-kettle-7!\u0000x' });

    expectPasswordProblem(response, 'newPassword', CONTROL_MESSAGE);
  });

  it('when the password given to delete the account contains NUL, then 400 and the account stays', async () => {
    const { app, stores } = buildTestApp();
    const caller = await logIn(app, await registerAccount(app));

    const response = await authorized(app, 'delete', '/api/auth/account', caller.accessToken).send({
      password: `${caller.account.password}\u0000`,
    });

    expectPasswordProblem(response, 'password', CONTROL_MESSAGE);
    expect(await stores.users.findLiveUserByEmail(caller.account.email)).toBeDefined();
  });
});

describe('passwords compared in NFC', () => {
  it('when the password was registered composed and is typed decomposed, then it logs in', async () => {
    const { app } = buildTestApp();
    const account = await registerAccount(app, { password: COMPOSED });

    const response = await login(app, account.email, DECOMPOSED);

    expect(response.status).toBe(200);
  });

  it('when the password was registered decomposed and is typed composed, then it logs in', async () => {
    const { app } = buildTestApp();
    const account = await registerAccount(app, { password: DECOMPOSED });

    const response = await login(app, account.email, COMPOSED);

    expect(response.status).toBe(200);
  });

  it('when a password is 72 bytes composed and more decomposed, then registration accepts it', async () => {
    const { app } = buildTestApp();
    const password = `Aa1!${'é'.repeat(34)}`.normalize('NFD');
    expect(Buffer.byteLength(password.normalize('NFC'))).toBe(72);
    expect(Buffer.byteLength(password)).toBeGreaterThan(72);

    const response = await request(app)
      .post('/api/auth/register')
      .send(newAccountInput({ password }));

    expect(response.status).toBe(201);
  });

  it('when change-password is given the current password decomposed, then the change is made', async () => {
    const { app } = buildTestApp();
    const caller = await logIn(app, await registerAccount(app, { password: COMPOSED }));

    const response = await authorized(
      app,
      'post',
      '/api/auth/change-password',
      caller.accessToken,
    ).send({ currentPassword: DECOMPOSED, newPassword: 'Fresh-kettle-of-fish-7!' });

    expect(response.status).toBe(200);
  });

  it('when the new password is set decomposed, then the composed one logs in', async () => {
    const { app } = buildTestApp();
    const caller = await logIn(app, await registerAccount(app));
    const newPassword = 'Nouvelle-Crème-Brûlée-7!';

    await authorized(app, 'post', '/api/auth/change-password', caller.accessToken)
      .send({ currentPassword: caller.account.password, newPassword: newPassword.normalize('NFD') })
      .expect(200);

    expect((await login(app, caller.account.email, newPassword.normalize('NFC'))).status).toBe(200);
  });

  it('when the account is deleted with the password decomposed, then it is deleted', async () => {
    const { app, stores } = buildTestApp();
    const caller = await logIn(app, await registerAccount(app, { password: COMPOSED }));

    const response = await authorized(app, 'delete', '/api/auth/account', caller.accessToken).send({
      password: DECOMPOSED,
    });

    expect(response.status).toBe(200);
    expect(await stores.users.findLiveUserByEmail(caller.account.email)).toBeUndefined();
  });
});
