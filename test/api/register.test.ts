import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors/error-catalogue.js';
import { newAccountInput, registerAccount } from '../helpers/accounts.js';
import { buildTestApp } from '../helpers/test-app.js';

const register = (app: ReturnType<typeof buildTestApp>['app'], body: unknown) =>
  request(app)
    .post('/api/auth/register')
    .send(body as object);

describe('POST /api/auth/register', () => {
  it('when the input is valid, then 201 with the public user and a bcrypt hash stored', async () => {
    const { app, stores } = buildTestApp();
    const input = newAccountInput({ email: '  New.User@Example.COM ', name: '  Ada Lovelace  ' });

    const response = await register(app, input);

    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      success: true,
      message: 'Account created.',
      data: {
        user: {
          id: expect.any(String) as string,
          email: 'new.user@example.com',
          emailVerified: false,
          name: 'Ada Lovelace',
          role: 'user',
          createdAt: '2026-03-01T12:00:00.000Z',
        },
      },
    });
    const stored = await stores.users.findLiveUserByEmail('new.user@example.com');
    expect(stored?.passwordHash).toMatch(/^\$2b\$04\$/);
    expect(JSON.stringify(stored)).not.toContain(input.password);
    expect(JSON.stringify(response.body)).not.toContain('$2b$');
  });

  it('when it succeeds, then a register audit event is logged without the password or hash', async () => {
    const { app, logs } = buildTestApp();
    const input = newAccountInput();

    const response = await register(app, input).set('User-Agent', 'agent/1.0');

    const [event] = logs.events('register');
    expect(event).toMatchObject({
      userId: (response.body as { data: { user: { id: string } } }).data.user.id,
      userAgent: 'agent/1.0',
      requestId: response.headers['x-request-id'],
    });
    expect(logs.text).not.toContain(input.password);
    expect(logs.text).not.toContain('$2b$');
  });

  it.each([
    ['the same email', (email: string) => email],
    ['upper case', (email: string) => email.toUpperCase()],
    ['surrounding whitespace', (email: string) => `  ${email}\t`],
  ])(
    'when the email is taken (%s), then 409 EMAIL_TAKEN and nothing stored',
    async (_, variant) => {
      const { app, writes } = buildTestApp();
      const existing = await registerAccount(app);
      const mark = writes.mark();

      const response = await register(app, newAccountInput({ email: variant(existing.email) }));

      expect(response.status).toBe(409);
      expect(response.body).toEqual({
        success: false,
        message: 'An account with this email already exists.',
        error: ErrorCodes.EMAIL_TAKEN,
      });
      expect(writes.since(mark)).toEqual([]);
    },
  );

  it('when five registrations of one email race, then exactly one succeeds', async () => {
    const { app, writes } = buildTestApp();
    const email = newAccountInput().email;
    const mark = writes.mark();

    const responses = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        register(app, newAccountInput({ email: i % 2 ? email.toUpperCase() : email })),
      ),
    );

    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409]);
    // The one account, and the request for its verification mail (the worker mints the link).
    expect(writes.since(mark).map((write) => write.method)).toEqual([
      'users.createUser',
      'mailOutbox.enqueueMail',
    ]);
  });

  it('when the body names a role, then 400 naming the field and no account with that role', async () => {
    const { app, writes } = buildTestApp();
    const mark = writes.mark();

    const response = await register(app, { ...newAccountInput(), role: 'admin' });

    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      success: false,
      error: ErrorCodes.VALIDATION_ERROR,
      details: [{ path: 'role', message: 'Unknown field.' }],
    });
    expect(writes.since(mark)).toEqual([]);
  });

  it.each([
    ["O'Brien-Smith", "O'Brien-Smith"],
    ['José Ñúñez', 'José Ñúñez'],
    ['李小龙', '李小龙'],
    ['Zoë (decomposed)', 'Zoë (decomposed)'.normalize('NFC')],
    [
      'مهرداد نیک‌نام (with a zero-width non-joiner)',
      'مهرداد نیک‌نام (with a zero-width non-joiner)',
    ],
    ['Nguyễn Thị Minh Khai', 'Nguyễn Thị Minh Khai'],
    ['שָׁלוֹם כֹּהֵן (Hebrew with points)', 'שָׁלוֹם כֹּהֵן (Hebrew with points)'.normalize('NFC')],
    ['क्षत्रिय प्रसाद', 'क्षत्रिय प्रसाद'],
  ])(
    'when the name is the real name %s, then it is accepted and stored NFC',
    async (name, stored) => {
      const { app } = buildTestApp();

      const response = await register(app, newAccountInput({ name: name.normalize('NFD') }));

      expect(response.status).toBe(201);
      expect((response.body as { data: { user: { name: string } } }).data.user.name).toBe(stored);
    },
  );

  it('when the password is exactly 72 bytes, then it is accepted', async () => {
    const { app } = buildTestApp();
    const password = `Aa1!${'x'.repeat(68)}`;
    expect(Buffer.byteLength(password)).toBe(72);

    const response = await register(app, newAccountInput({ password }));

    expect(response.status).toBe(201);
  });

  const NAME_MESSAGE =
    'Name must not contain < or >, control characters, line breaks or invisible formatting characters.';
  const UNUSUAL_MESSAGE = 'Name must not contain private-use or unassigned characters.';
  const STACKED_MESSAGE = 'Name must not stack more than 4 combining marks on one character.';
  const tooLongAscii = `Aa1!${'x'.repeat(69)}`;
  const tooLongMultibyte = `Aa1!${'é'.repeat(35)}`; // 4 + 70 bytes, only 39 characters

  it.each([
    ['missing email', { email: undefined }, 'email', 'Email is required.'],
    ['not an email', { email: 'not-an-email' }, 'email', 'Email must be a valid email address.'],
    [
      'email over 254 characters',
      { email: `${'a'.repeat(243)}@example.com` },
      'email',
      'Email must be at most 254 characters.',
    ],
    [
      'email with markup',
      { email: '<script>@example.com' },
      'email',
      'Email must be a valid email address.',
    ],
    ['empty name', { name: '   ' }, 'name', 'Name must not be empty.'],
    [
      'name over 100 characters',
      { name: 'n'.repeat(101) },
      'name',
      'Name must be at most 100 characters.',
    ],
    ['name with markup', { name: '<img src=x onerror=alert(1)>' }, 'name', NAME_MESSAGE],
    ['name with a control character', { name: 'Eve\u0007' }, 'name', NAME_MESSAGE],
    ['name with a bidi override', { name: 'Eve\u202Egnp.exe' }, 'name', NAME_MESSAGE],
    ['name with a zero-width space', { name: 'Ev\u200Be' }, 'name', NAME_MESSAGE],
    ['name with a soft hyphen', { name: 'Ev\u00ADe' }, 'name', NAME_MESSAGE],
    ['name with a paragraph break', { name: 'Admin\u2029[system]' }, 'name', NAME_MESSAGE],
    ['name that is a Hangul filler', { name: '\u3164' }, 'name', NAME_MESSAGE],
    ['name without a letter', { name: '12345' }, 'name', 'Name must contain a letter.'],
    ['name with a private-use character', { name: 'Eve\uE000' }, 'name', UNUSUAL_MESSAGE],
    ['name with a private-use astral character', { name: 'Eve\u{F0000}' }, 'name', UNUSUAL_MESSAGE],
    ['name with an unassigned code point', { name: 'Eve\u0378' }, 'name', UNUSUAL_MESSAGE],
    ['name with a noncharacter', { name: 'Eve\uFDD0' }, 'name', UNUSUAL_MESSAGE],
    [
      'name with five marks on one letter',
      { name: `Ze${'\u0301'.repeat(5)}d` },
      'name',
      STACKED_MESSAGE,
    ],
    [
      'name of stacked marks in mixed classes over 1,000 characters',
      { name: `a${'\u0301\u0316'.repeat(600)}` },
      'name',
      'Name must be at most 100 characters.',
    ],
    [
      'name with a lone surrogate',
      { name: 'Sur\uD800' },
      'name',
      'Name must be valid Unicode text.',
    ],
    [
      'password with a lone surrogate',
      { password: 'Password1!\uDBFF' },
      'password',
      'Password must be valid Unicode text.',
    ],
    [
      'email with a lone surrogate',
      { email: 'a\uDC00@example.com' },
      'email',
      'Email must be valid Unicode text.',
    ],
    ['short password', { password: 'Aa1!' }, 'password', 'Password must be at least 8 characters.'],
    [
      'password without a digit',
      { password: 'Abcdefg!' },
      'password',
      'Password must contain a digit.',
    ],
    [
      'password without a symbol',
      { password: 'Abcdefg1' },
      'password',
      'Password must contain a symbol.',
    ],
    [
      'password without a letter',
      { password: '1234567!' },
      'password',
      'Password must contain a letter.',
    ],
    [
      'password over 72 bytes',
      { password: tooLongAscii },
      'password',
      'Password must be at most 72 bytes (UTF-8).',
    ],
    [
      'multibyte password over 72 bytes',
      { password: tooLongMultibyte },
      'password',
      'Password must be at most 72 bytes (UTF-8).',
    ],
    ['numeric email', { email: 42 }, 'email', 'Email must be a string.'],
    ['operator object as email', { email: { $gt: '' } }, 'email', 'Email must be a string.'],
    [
      'operator object as password',
      { password: { $ne: null } },
      'password',
      'Password must be a string.',
    ],
    ['array as name', { name: ['a', 'b'] }, 'name', 'Name must be a string.'],
    ['null name', { name: null }, 'name', 'Name must be a string.'],
    ['boolean password', { password: true }, 'password', 'Password must be a string.'],
  ])(
    'when the input has %s, then 400 naming the field and nothing stored',
    async (_, change, path, message) => {
      const { app, writes } = buildTestApp();
      const input = { ...newAccountInput(), ...change };
      const mark = writes.mark();

      const response = await register(app, input);

      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ success: false, error: ErrorCodes.VALIDATION_ERROR });
      expect((response.body as { details: unknown[] }).details).toContainEqual({ path, message });
      expect(writes.since(mark)).toEqual([]);
      if (typeof input.password === 'string') expect(response.text).not.toContain(input.password);
    },
  );

  it.each([
    [
      'a __proto__ key',
      '{"email":"a@example.com","password":"Str0ng!pw","name":"A","__proto__":{"role":"admin"}}',
      '__proto__',
    ],
    [
      'a constructor key',
      '{"email":"a@example.com","password":"Str0ng!pw","name":"A","constructor":{"prototype":{"role":"admin"}}}',
      'constructor',
    ],
  ])(
    'when the body has %s, then 400 naming it and nothing stored or polluted',
    async (_, body, path) => {
      const { app, writes } = buildTestApp();
      const mark = writes.mark();

      const response = await request(app)
        .post('/api/auth/register')
        .set('Content-Type', 'application/json')
        .send(body);

      expect(response.status).toBe(400);
      expect((response.body as { details: unknown[] }).details).toContainEqual({
        path,
        message: 'Unknown field.',
      });
      expect(writes.since(mark)).toEqual([]);
      expect(({} as Record<string, unknown>).role).toBeUndefined();
    },
  );

  it.each([
    ['a JSON array', '[{"email":"a@example.com"}]'],
    ['no body at all', ''],
  ])('when the body is %s, then 400 VALIDATION_ERROR and nothing stored', async (_, body) => {
    const { app, writes } = buildTestApp();
    const mark = writes.mark();

    const response = await request(app)
      .post('/api/auth/register')
      .set('Content-Type', 'application/json')
      .send(body);

    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ success: false, error: ErrorCodes.VALIDATION_ERROR });
    expect(writes.since(mark)).toEqual([]);
  });
});
