import request from 'supertest';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { guessabilityEstimator } from '../../src/auth/passwords/password-guessability.js';
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

describe('POST /api/auth/register runs the guessability estimate last', () => {
  it.each([
    ['a password over 72 bytes', { password: 'Password1!'.repeat(30) }],
    ['a password without a digit', { password: 'Password-without-digits!' }],
    ['an invalid email', { email: 'not-an-email' }],
    ['a name over 100 characters', { name: 'n'.repeat(5000) }],
    ['an unknown field', { role: 'admin' }],
  ])('when the body has %s, then no estimate is made and 400', async (_, change) => {
    const { app } = buildTestApp();
    const estimate = vi.spyOn(guessabilityEstimator, 'score');
    onTestFinished(() => {
      estimate.mockRestore();
    });

    const response = await request(app)
      .post('/api/auth/register')
      .send({ ...newAccountInput(), ...change });

    expectError(response, ErrorCodes.VALIDATION_ERROR);
    expect(estimate).not.toHaveBeenCalled();
  });
});
