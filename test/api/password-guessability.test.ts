import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors/error-catalogue.js';
import { newAccountInput } from '../helpers/accounts.js';
import { expectError } from '../helpers/api-calls.js';
import { buildTestApp } from '../helpers/test-app.js';

const TOO_COMMON =
  'Password is too common or too easy to guess; choose a longer, less predictable one.';
const CONTAINS_LOCAL_PART = 'Password must not contain the part of the email address before the @.';

describe('POST /api/auth/register password guessability', () => {
  it.each(['Password1!', 'Qwerty123!', 'P@ssw0rd!', 'Welcome1!', 'Iloveyou1!'])(
    'when the password is the common %s, then 400 naming it too common and nothing stored',
    async (password) => {
      const { app, writes } = buildTestApp();
      const mark = writes.mark();

      const response = await request(app)
        .post('/api/auth/register')
        .send(newAccountInput({ password }));

      expectError(response, ErrorCodes.VALIDATION_ERROR);
      expect((response.body as { details: unknown[] }).details).toContainEqual({
        path: 'password',
        message: TOO_COMMON,
      });
      expect(writes.since(mark)).toEqual([]);
    },
  );

  it.each([
    ['the local part', 'margaret.hamilton@example.com', 'Margaret.Hamilton-1969!'],
    ['the local part in another case', 'apollo11@example.com', 'xAPOLLO11-landing!'],
  ])('when the password contains %s of the email, then 400', async (_, email, password) => {
    const { app, writes } = buildTestApp();
    const mark = writes.mark();

    const response = await request(app)
      .post('/api/auth/register')
      .send(newAccountInput({ email, password }));

    expectError(response, ErrorCodes.VALIDATION_ERROR);
    expect((response.body as { details: unknown[] }).details).toContainEqual({
      path: 'password',
      message: CONTAINS_LOCAL_PART,
    });
    expect(writes.since(mark)).toEqual([]);
  });

  it('when the password is built from the name, then it is too easy to guess', async () => {
    const { app } = buildTestApp();

    const response = await request(app)
      .post('/api/auth/register')
      .send(newAccountInput({ name: 'Grace Hopper', password: 'GraceHopper1!' }));

    expect((response.body as { details: unknown[] }).details).toContainEqual({
      path: 'password',
      message: TOO_COMMON,
    });
  });

  it.each(['Correct-horse-battery-9!', 'Tr0ub4dor&3', 'vX7#qL2!mRp9'])(
    'when the password is the uncommon %s, then the account is created',
    async (password) => {
      const { app } = buildTestApp();

      const response = await request(app)
        .post('/api/auth/register')
        .send(newAccountInput({ password }));

      expect(response.status).toBe(201);
    },
  );
});
