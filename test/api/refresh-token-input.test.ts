import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors/error-catalogue.js';
import { registerAndLogIn } from '../helpers/accounts.js';
import { expectError, logout, refresh } from '../helpers/api-calls.js';
import { buildTestApp } from '../helpers/test-app.js';

// Refresh and logout take the same body, so its malformed variants are tested once, against both.
const endpoints = [
  ['refresh', refresh],
  ['logout', logout],
] as const;

const malformed: Array<[string, unknown]> = [
  ['a number', 12345],
  ['an operator object', { $ne: null }],
  ['an array', ['a']],
  ['null', null],
  ['an empty string', ''],
  ['a 3,000-character string', 'a'.repeat(3000)],
  ['missing', undefined],
];

describe.each(endpoints)('POST /api/auth/%s body', (_, call) => {
  it.each(malformed)(
    'when the refresh token is %s, then 400 VALIDATION_ERROR naming it and nothing changes',
    async (_case, value) => {
      const { app, writes } = buildTestApp();
      const login = await registerAndLogIn(app);
      const mark = writes.mark();

      const response = await call(app, value);

      expectError(response, ErrorCodes.VALIDATION_ERROR);
      expect((response.body as { details: Array<{ path: string }> }).details[0]?.path).toBe(
        'refreshToken',
      );
      expect(writes.since(mark)).toEqual([]);
      expect(response.text).not.toContain(login.refreshToken);
    },
  );
});
