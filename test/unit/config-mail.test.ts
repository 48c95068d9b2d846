// The mail side of the configuration: zero-setup defaults outside production, and what production refuses.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { problemsOf, testEnv } from '../helpers/config-problems.js';
import { productionEnv } from '../helpers/production-env.js';

const KEY = randomBytes(32);

describe('loadConfig mail and recovery', () => {
  it('when nothing is set outside production, then mail goes to .eml files and links point at localhost', () => {
    const { config } = loadConfig(testEnv({ PORT: '4000' }));

    expect(config.mail).toMatchObject({
      appUrl: 'http://localhost:4000',
      from: 'auth-api <no-reply@localhost>',
      transport: { kind: 'file', dir: './data/mail' },
      retryDelayMs: 30_000,
    });
    expect(Buffer.from(config.mail.outboxKeys.current, 'base64url')).toHaveLength(32);
    expect(config.recovery).toEqual({
      passwordResetTtlSeconds: 1800,
      emailVerifyTtlSeconds: 86_400,
      emailChangeTtlSeconds: 3600,
      requireEmailVerification: false,
    });
  });

  it('when production has every mail setting, then it starts with SMTP and the given key', () => {
    const { config } = loadConfig(productionEnv({ OUTBOX_KEY: KEY.toString('base64') }));

    expect(config.mail.transport).toEqual({ kind: 'smtp', url: 'smtp://127.0.0.1:1' });
    expect(config.mail.appUrl).toBe('https://app.example.com');
    expect(config.mail.outboxKeys.current).toBe(KEY.toString('base64url'));
  });

  it.each([
    ['APP_URL', { APP_URL: undefined }, 'APP_URL: production needs the https URL'],
    [
      'an http APP_URL',
      { APP_URL: 'http://app.example.com' },
      'APP_URL: production needs the https URL',
    ],
    ['MAIL_TRANSPORT', { MAIL_TRANSPORT: undefined }, 'MAIL_TRANSPORT: must be smtp in production'],
    [
      'MAIL_TRANSPORT=file',
      { MAIL_TRANSPORT: 'file' },
      'MAIL_TRANSPORT: must be smtp in production',
    ],
    ['SMTP_URL', { SMTP_URL: undefined }, 'SMTP_URL: is required with MAIL_TRANSPORT=smtp'],
    ['MAIL_FROM', { MAIL_FROM: undefined }, 'MAIL_FROM: is required in production'],
    ['OUTBOX_KEY', { OUTBOX_KEY: undefined }, 'OUTBOX_KEY: is required in production'],
    [
      'a guessable OUTBOX_KEY',
      { OUTBOX_KEY: Buffer.alloc(32).toString('base64') },
      'OUTBOX_KEY: is guessable',
    ],
    [
      'MFA_ENCRYPTION_KEY',
      { MFA_ENCRYPTION_KEY: undefined },
      'MFA_ENCRYPTION_KEY: is required in production',
    ],
    [
      'a guessable MFA_ENCRYPTION_KEY',
      { MFA_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('hex') },
      'MFA_ENCRYPTION_KEY: is guessable',
    ],
    [
      'an MFA_ENCRYPTION_KEY of another size',
      { MFA_ENCRYPTION_KEY: 'c2hvcnQ=' },
      'MFA_ENCRYPTION_KEY: must be 32 bytes',
    ],
    [
      'an MFA_ENCRYPTION_KEY_PREVIOUS equal to the key',
      {
        MFA_ENCRYPTION_KEY: KEY.toString('base64'),
        MFA_ENCRYPTION_KEY_PREVIOUS: KEY.toString('hex'),
      },
      'MFA_ENCRYPTION_KEY_PREVIOUS: must differ from MFA_ENCRYPTION_KEY',
    ],
  ])('when production lacks %s, then it refuses to start, naming it', (_, overrides, problem) => {
    expect(problemsOf(productionEnv(overrides))).toContainEqual(expect.stringContaining(problem));
  });

  it.each([
    ['base64', KEY.toString('base64')],
    ['base64url', KEY.toString('base64url')],
    ['hex', KEY.toString('hex')],
  ])('when OUTBOX_KEY is 32 bytes as %s, then it is used', (_, text) => {
    expect(loadConfig(testEnv({ OUTBOX_KEY: text })).config.mail.outboxKeys.current).toBe(
      KEY.toString('base64url'),
    );
  });

  it.each([
    ['31 bytes', randomBytes(31).toString('base64')],
    ['33 bytes', randomBytes(33).toString('base64')],
    ['a passphrase', 'correct horse battery staple, 32b'],
    ['63 hex digits', KEY.toString('hex').slice(1)],
  ])(
    'when OUTBOX_KEY is %s, then it is refused in any environment, without echoing it',
    (_, text) => {
      const problems = problemsOf(testEnv({ OUTBOX_KEY: text }));

      expect(problems).toContainEqual(expect.stringContaining('OUTBOX_KEY: must be 32 bytes'));
      expect(problems.join('\n')).not.toContain(text);
    },
  );

  it('when OUTBOX_KEY_PREVIOUS equals OUTBOX_KEY, then it is refused', () => {
    const key = KEY.toString('base64');

    expect(
      problemsOf(testEnv({ OUTBOX_KEY: key, OUTBOX_KEY_PREVIOUS: KEY.toString('hex') })),
    ).toContain('OUTBOX_KEY_PREVIOUS: must differ from OUTBOX_KEY');
  });

  it('when MAIL_TRANSPORT=smtp has no SMTP_URL outside production, then it is refused', () => {
    expect(problemsOf(testEnv({ MAIL_TRANSPORT: 'smtp' }))).toContainEqual(
      expect.stringContaining('SMTP_URL: is required with MAIL_TRANSPORT=smtp'),
    );
  });

  it('when SMTP_URL carries a password and is malformed, then the refusal does not repeat it', () => {
    const problems = problemsOf(
      testEnv({ MAIL_TRANSPORT: 'smtp', SMTP_URL: 'http://user:hunter2-pw@mail' }),
    );

    expect(problems).toContainEqual(
      expect.stringContaining('SMTP_URL: must be an smtp:// or smtps:// URL'),
    );
    expect(problems.join('\n')).not.toContain('hunter2-pw');
  });

  it.each([
    ['a query', 'https://app.example.com/?next=evil'],
    ['a fragment', 'https://app.example.com/#x'],
    ['another scheme', 'javascript:alert(1)'],
    ['no scheme', 'app.example.com'],
  ])('when APP_URL has %s, then it is refused', (_, url) => {
    expect(problemsOf(testEnv({ APP_URL: url }))).toContainEqual(
      expect.stringContaining("APP_URL: must be the web app's base URL"),
    );
  });

  it('when APP_URL ends in slashes or has a path, then links are built on it without a double slash', () => {
    expect(loadConfig(testEnv({ APP_URL: 'https://example.com/app//' })).config.mail.appUrl).toBe(
      'https://example.com/app',
    );
  });
});
