import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, type LoadConfigOptions } from '../../src/config/config.js';
import { productionEnv, strongSecret } from '../helpers/production-env.js';

const testEnv = (overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  NODE_ENV: 'test',
  ...overrides,
});

function refusal(env: NodeJS.ProcessEnv, options?: LoadConfigOptions): ConfigError {
  try {
    loadConfig(env, options);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected loadConfig to throw a ConfigError');
}

/** The problems that name `variable` (as "NAME: ..." or "NAME.0: ..."). */
const problemsNaming = (env: NodeJS.ProcessEnv, variable: string) =>
  refusal(env).problems.filter((problem) => new RegExp(`^${variable}[:.]`).test(problem));

const expectRefusedNaming = (env: NodeJS.ProcessEnv, variable: string) => {
  expect(problemsNaming(env, variable)).not.toEqual([]);
};

describe('loadConfig in test with no secrets', () => {
  it('when nothing is set, then it loads with generated distinct secrets and the documented defaults', () => {
    const { config, warnings } = loadConfig(testEnv());

    expect(config.jwt.accessSecret.length).toBeGreaterThanOrEqual(32);
    expect(config.jwt.refreshSecret.length).toBeGreaterThanOrEqual(32);
    expect(config.jwt.accessSecret).not.toBe(config.jwt.refreshSecret);
    expect(config.env).toBe('test');
    expect(config.http).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      bodyLimitBytes: 10_240,
      requireHttps: false,
    });
    expect(config.jwt).toMatchObject({
      accessTtlSeconds: 900,
      refreshTtlSeconds: 604_800,
      issuer: 'auth-api',
      audience: 'auth-api',
    });
    expect(config.session.maxAgeSeconds).toBe(30 * 86_400);
    expect(config.passwords.bcryptRounds).toBe(12);
    expect(config.storage).toEqual({ kind: 'sqlite', path: './data/auth.db' });
    expect(warnings).toEqual([]);
  });

  it('when it has loaded, then the config is deeply frozen', () => {
    const { config } = loadConfig(testEnv({ CORS_ORIGINS: 'https://a.example.com' }));

    expect(Object.isFrozen(config)).toBe(true);
    for (const part of [config.http, config.jwt, config.session, config.passwords]) {
      expect(Object.isFrozen(part)).toBe(true);
    }
    expect(Object.isFrozen(config.http.corsOrigins)).toBe(true);
    expect(() => {
      (config.http as { port: number }).port = 1;
    }).toThrow(TypeError);
    expect(config.http.port).toBe(3000);
  });
});

/** Long enough and with enough distinct characters, but made of placeholder words and a counting run. */
const GUESSABLE = 'changeme-please-changeme-1234567890';

describe('loadConfig in production', () => {
  it('when the env is complete and strong, then it loads requiring HTTPS on 0.0.0.0', () => {
    const env = productionEnv();

    const { config, warnings } = loadConfig(env);

    expect(config.http).toMatchObject({ requireHttps: true, host: '0.0.0.0', trustProxy: 1 });
    expect(config.http.corsOrigins).toEqual(['https://app.example.com']);
    expect(config.jwt.accessSecret).toBe(env.JWT_ACCESS_SECRET);
    expect(config.jwt.refreshSecret).toBe(env.JWT_REFRESH_SECRET);
    expect(warnings).toEqual([]);
  });

  it('when ALLOW_INSECURE_HTTP=true stands in for TRUST_PROXY, then it loads without HTTPS and warns', () => {
    const { config, warnings } = loadConfig(
      productionEnv({ TRUST_PROXY: undefined, ALLOW_INSECURE_HTTP: 'true' }),
    );

    expect(config.http.requireHttps).toBe(false);
    expect(config.http.trustProxy).toBe(false);
    expect(warnings).toContainEqual(expect.stringMatching(/^ALLOW_INSECURE_HTTP/));
  });

  it.each([
    ['JWT_ACCESS_SECRET', 'is missing', { JWT_ACCESS_SECRET: undefined }],
    ['JWT_REFRESH_SECRET', 'is missing', { JWT_REFRESH_SECRET: undefined }],
    ['JWT_ACCESS_SECRET', 'is under 32 bytes', { JWT_ACCESS_SECRET: 'x1y2z3'.repeat(5) }],
    ['JWT_REFRESH_SECRET', 'is repetitive', { JWT_REFRESH_SECRET: 'ab'.repeat(20) }],
    ['JWT_ACCESS_SECRET_PREVIOUS', 'is weak', { JWT_ACCESS_SECRET_PREVIOUS: 'old' }],
    ['JWT_ACCESS_SECRET', 'is guessable', { JWT_ACCESS_SECRET: GUESSABLE }],
    ['JWT_REFRESH_SECRET', 'is guessable', { JWT_REFRESH_SECRET: GUESSABLE }],
    ['JWT_ACCESS_SECRET_PREVIOUS', 'is guessable', { JWT_ACCESS_SECRET_PREVIOUS: GUESSABLE }],
    ['JWT_REFRESH_SECRET_PREVIOUS', 'is guessable', { JWT_REFRESH_SECRET_PREVIOUS: GUESSABLE }],
    ['METRICS_TOKEN', 'is guessable', { METRICS_TOKEN: GUESSABLE }],
    ['CORS_ORIGINS', 'is missing', { CORS_ORIGINS: undefined }],
    ['CORS_ORIGINS', 'contains *', { CORS_ORIGINS: 'https://app.example.com,*' }],
    ['TRUST_PROXY', 'is true', { TRUST_PROXY: 'true' }],
    ['TRUST_PROXY', 'and ALLOW_INSECURE_HTTP are unset', { TRUST_PROXY: undefined }],
  ])('when %s %s, then it refuses naming that variable', (variable, _case, overrides) => {
    expectRefusedNaming(productionEnv(overrides), variable);
  });

  it('when a secret is guessable, then the refusal names it, says why and how to generate one', () => {
    const problems = problemsNaming(
      productionEnv({ JWT_ACCESS_SECRET: 'my-super-secret-jwt-key-for-production-2024' }),
      'JWT_ACCESS_SECRET',
    );

    expect(problems).toEqual([expect.stringMatching(/^JWT_ACCESS_SECRET: .*guessable/)]);
    expect(problems[0]).toContain('openssl rand -base64 48');
  });

  it('when the access and refresh secrets are equal, then it refuses naming JWT_REFRESH_SECRET', () => {
    const secret = strongSecret();

    expectRefusedNaming(
      productionEnv({ JWT_ACCESS_SECRET: secret, JWT_REFRESH_SECRET: secret }),
      'JWT_REFRESH_SECRET',
    );
  });

  it('when JWT_ACCESS_SECRET_PREVIOUS equals JWT_REFRESH_SECRET, then it refuses', () => {
    const secret = strongSecret();

    const problems = problemsNaming(
      productionEnv({ JWT_REFRESH_SECRET: secret, JWT_ACCESS_SECRET_PREVIOUS: secret }),
      'JWT_ACCESS_SECRET_PREVIOUS',
    );

    expect(problems).toContainEqual(
      'JWT_ACCESS_SECRET_PREVIOUS: must differ from JWT_REFRESH_SECRET',
    );
  });

  it.each([
    ['too short', () => ({ JWT_ACCESS_SECRET: 'hunter2-but-longer-x' })],
    ['repetitive', () => ({ JWT_ACCESS_SECRET: 'ab'.repeat(20) })],
    [
      'equal to the refresh secret',
      () => {
        const secret = strongSecret();
        return { JWT_ACCESS_SECRET: secret, JWT_REFRESH_SECRET: secret };
      },
    ],
  ])('when a secret is refused as %s, then the error never contains its value', (_case, make) => {
    const overrides = make();

    const error = refusal(productionEnv(overrides));

    expect(error.message).toContain('JWT_');
    expect(error.message).not.toContain(overrides.JWT_ACCESS_SECRET);
    expect(error.problems.join('\n')).not.toContain(overrides.JWT_ACCESS_SECRET);
  });
});

describe('loadConfig value parsing', () => {
  it.each([
    ['BCRYPT_ROUNDS', { BCRYPT_ROUNDS: '9' }],
    ['BCRYPT_ROUNDS', { BCRYPT_ROUNDS: '16' }],
    ['PORT', { PORT: 'abc' }],
    ['PORT', { PORT: '70000' }],
    ['JWT_ACCESS_TTL', { JWT_ACCESS_TTL: 'soon' }],
    ['JWT_ACCESS_TTL', { JWT_ACCESS_TTL: '1h', JWT_REFRESH_TTL: '1h' }],
    ['JWT_ACCESS_TTL', { JWT_ACCESS_TTL: '2h', JWT_REFRESH_TTL: '1h' }],
    ['CORS_ORIGINS', { CORS_ORIGINS: 'https://a.example.com/x' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }],
  ])('when the env has a bad %s (%j), then it refuses naming it', (variable, overrides) => {
    expectRefusedNaming(testEnv(overrides), variable);
  });

  it('when BCRYPT_ROUNDS=10, then it is accepted', () => {
    expect(loadConfig(testEnv({ BCRYPT_ROUNDS: '10' })).config.passwords.bcryptRounds).toBe(10);
  });

  it.each([
    ['15m', 900],
    ['2h', 7200],
    ['900', 900],
  ])('when JWT_ACCESS_TTL=%s, then the access lifetime is %i seconds', (text, seconds) => {
    expect(loadConfig(testEnv({ JWT_ACCESS_TTL: text })).config.jwt.accessTtlSeconds).toBe(seconds);
  });

  it('when CORS_ORIGINS lists two origins with spaces, then both are parsed', () => {
    const { config } = loadConfig(
      testEnv({ CORS_ORIGINS: 'https://a.example.com, http://localhost:5173' }),
    );

    expect(config.http.corsOrigins).toEqual(['https://a.example.com', 'http://localhost:5173']);
  });

  it('when values are empty strings, then they count as unset and the defaults apply', () => {
    const { config } = loadConfig(testEnv({ PORT: '', BCRYPT_ROUNDS: '  ', LOG_LEVEL: '' }));

    expect(config.http.port).toBe(3000);
    expect(config.passwords.bcryptRounds).toBe(12);
    expect(config.log.level).toBe('info');
  });

  it.each([
    ['1', 1],
    ['loopback, 10.0.0.0/8', ['loopback', '10.0.0.0/8']],
    ['', false],
    ['0', false],
    ['00', false],
  ])('when TRUST_PROXY=%j, then trustProxy is %j', (text, expected) => {
    expect(loadConfig(testEnv({ TRUST_PROXY: text })).config.http.trustProxy).toEqual(expected);
  });

  it.each([
    '10.0.0.0/33',
    'nonsense',
    '0.0.0.0/0',
    '::/0',
    '0.0.0.0/1, 128.0.0.0/1',
    '10.0.0.0/7',
    'fc00::/7',
    '10.0.0.0/8/8',
  ])('when TRUST_PROXY=%s, then it refuses naming TRUST_PROXY', (text) => {
    expectRefusedNaming(testEnv({ TRUST_PROXY: text }), 'TRUST_PROXY');
  });
});

describe('loadConfig storage', () => {
  it('when MONGODB_URI is unset, then the embedded SQLite store is used at SQLITE_PATH', () => {
    const { config } = loadConfig(testEnv({ SQLITE_PATH: '/var/lib/auth/auth.db' }));

    expect(config.storage).toEqual({ kind: 'sqlite', path: '/var/lib/auth/auth.db' });
  });

  it('when MONGODB_URI is set, then MongoDB is used with the default pool and timeouts', () => {
    const uri = 'mongodb+srv://auth:pw@cluster0.example.net/auth-api?retryWrites=true&w=majority';

    const { config } = loadConfig(testEnv({ MONGODB_URI: uri }));

    expect(config.storage).toEqual({
      kind: 'mongodb',
      uri,
      poolSize: 10,
      serverSelectionTimeoutMs: 5000,
      socketTimeoutMs: 30_000,
      autoIndex: true,
    });
  });

  it('when the MongoDB pool, timeouts and index building are set, then they are used', () => {
    const { config } = loadConfig(
      testEnv({
        MONGODB_URI: 'mongodb://127.0.0.1:27017/auth-api',
        MONGODB_POOL_SIZE: '50',
        MONGODB_SERVER_SELECTION_TIMEOUT: '2s',
        MONGODB_SOCKET_TIMEOUT: '1m',
        MONGODB_AUTO_INDEX: 'false',
      }),
    );

    expect(config.storage).toMatchObject({
      poolSize: 50,
      serverSelectionTimeoutMs: 2000,
      socketTimeoutMs: 60_000,
      autoIndex: false,
    });
  });

  it.each([
    ['not a MongoDB URI', 'postgres://auth:hunter2-pw@db/auth'],
    ['no database name', 'mongodb://auth:hunter2-pw@127.0.0.1:27017'],
    ['an empty database name', 'mongodb://auth:hunter2-pw@127.0.0.1:27017/?w=majority'],
  ])(
    'when MONGODB_URI has %s, then it refuses naming it, without echoing the password',
    (_, uri) => {
      const error = refusal(testEnv({ MONGODB_URI: uri }));

      expect(error.problems).toContainEqual(expect.stringMatching(/^MONGODB_URI: /));
      expect(error.message).not.toContain('hunter2-pw');
    },
  );

  it.each([
    ['MONGODB_POOL_SIZE', '0'],
    ['MONGODB_POOL_SIZE', '501'],
    ['MONGODB_SERVER_SELECTION_TIMEOUT', 'soon'],
  ])('when %s=%s, then it refuses naming it', (variable, value) => {
    expectRefusedNaming(
      testEnv({ MONGODB_URI: 'mongodb://127.0.0.1:27017/auth-api', [variable]: value }),
      variable,
    );
  });
});

describe('loadConfig in development', () => {
  let dir: string | undefined;
  const devSecretsFile = () => {
    dir = mkdtempSync(join(tmpdir(), 'auth-api-config-'));
    return join(dir, 'dev-secrets.json');
  };
  const developmentEnv = (overrides: NodeJS.ProcessEnv = {}) => ({
    NODE_ENV: 'development',
    ...overrides,
  });

  afterEach(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('when no secrets are set, then the first load writes them to a 0600 file and warns naming it', () => {
    const file = devSecretsFile();

    const { config, warnings } = loadConfig(developmentEnv(), { devSecretsFile: file });

    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      access: config.jwt.accessSecret,
      refresh: config.jwt.refreshSecret,
      outboxKey: config.mail.outboxKeys.current,
      mfaKey: config.mfa.keys.current,
    });
    expect(config.jwt.accessSecret).not.toBe(config.jwt.refreshSecret);
    expect(warnings).toContainEqual(expect.stringContaining(file));
  });

  it('when a file from before the second factor holds no MFA key, then everything in it is kept and one is added', () => {
    const file = devSecretsFile();
    const before = { access: strongSecret(), refresh: strongSecret(), outboxKey: strongSecret() };
    writeFileSync(file, JSON.stringify(before), { mode: 0o600 });

    const { config, warnings } = loadConfig(developmentEnv(), { devSecretsFile: file });

    expect(config.mail.outboxKeys.current).toBe(before.outboxKey);
    expect(Buffer.from(config.mfa.keys.current, 'base64url')).toHaveLength(32);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      ...before,
      mfaKey: config.mfa.keys.current,
    });
    expect(warnings).toContainEqual(expect.stringContaining('MFA_ENCRYPTION_KEY not set'));
  });

  it('when a file from before the outbox holds only the JWT secrets, then they are kept and an outbox key is added', () => {
    const file = devSecretsFile();
    const pair = { access: strongSecret(), refresh: strongSecret() };
    writeFileSync(file, JSON.stringify(pair), { mode: 0o600 });

    const { config } = loadConfig(developmentEnv(), { devSecretsFile: file });

    expect(config.jwt.accessSecret).toBe(pair.access);
    expect(config.jwt.refreshSecret).toBe(pair.refresh);
    expect(Buffer.from(config.mail.outboxKeys.current, 'base64url')).toHaveLength(32);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      ...pair,
      outboxKey: config.mail.outboxKeys.current,
      mfaKey: config.mfa.keys.current,
    });
    expect(
      loadConfig(developmentEnv(), { devSecretsFile: file }).config.mail.outboxKeys.current,
    ).toBe(config.mail.outboxKeys.current);
  });

  it('when it loads a second time, then it returns the same secrets', () => {
    const file = devSecretsFile();
    const first = loadConfig(developmentEnv(), { devSecretsFile: file }).config.jwt;

    const second = loadConfig(developmentEnv(), { devSecretsFile: file }).config.jwt;

    expect(second.accessSecret).toBe(first.accessSecret);
    expect(second.refreshSecret).toBe(first.refreshSecret);
  });

  it.each([
    ['not JSON', '{ broken'],
    ['too short', JSON.stringify({ access: 'a', refresh: 'b' })],
    ['equal', JSON.stringify({ access: 'k'.repeat(40), refresh: 'k'.repeat(40) })],
  ])('when the stored file is %s, then it is replaced by a fresh valid pair', (_case, text) => {
    const file = devSecretsFile();
    writeFileSync(file, text, { mode: 0o644 });

    const { config } = loadConfig(developmentEnv(), { devSecretsFile: file });

    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(config.jwt.accessSecret.length).toBeGreaterThanOrEqual(32);
    expect(config.jwt.refreshSecret.length).toBeGreaterThanOrEqual(32);
    expect(config.jwt.accessSecret).not.toBe(config.jwt.refreshSecret);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      access: config.jwt.accessSecret,
      refresh: config.jwt.refreshSecret,
      outboxKey: config.mail.outboxKeys.current,
      mfaKey: config.mfa.keys.current,
    });
  });

  it('when only the refresh secret is missing, then the warning names only it', () => {
    const env = developmentEnv({ JWT_ACCESS_SECRET: strongSecret() });

    const { warnings } = loadConfig(env, { devSecretsFile: devSecretsFile() });

    expect(warnings).toContainEqual(expect.stringMatching(/^JWT_REFRESH_SECRET not set/));
  });

  it('when a provided secret is short, then it loads with a warning naming it instead of an error', () => {
    const file = devSecretsFile();
    const env = developmentEnv({ JWT_ACCESS_SECRET: 'short', JWT_REFRESH_SECRET: strongSecret() });

    const { config, warnings } = loadConfig(env, { devSecretsFile: file });

    expect(config.jwt.accessSecret).toBe('short');
    expect(warnings).toContainEqual(expect.stringMatching(/^JWT_ACCESS_SECRET:/));
  });
});

describe('the access secret and the access algorithm', () => {
  it('when production signs access tokens with ES256 and no JWT_ACCESS_SECRET is set, then it loads: the key ring signs', () => {
    const { config } = loadConfig(
      productionEnv({ JWT_ACCESS_ALG: 'ES256', JWT_ACCESS_SECRET: undefined }),
    );

    expect(config.jwt.accessAlg).toBe('ES256');
    expect(config.jwt.accessSecret).not.toBe(config.jwt.refreshSecret);
  });

  it('when production signs access tokens with HS256 and no JWT_ACCESS_SECRET is set, then it refuses, naming it', () => {
    const error = refusal(productionEnv({ JWT_ACCESS_SECRET: undefined }));

    expect(error.message).toContain('JWT_ACCESS_SECRET: is required in production');
  });
});
