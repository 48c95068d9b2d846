import { describe, expect, it } from 'vitest';
import { createLogger, type Logger } from '../../src/observability/logger.js';
import {
  REDACTED,
  redactSecrets,
  withoutCredentials,
} from '../../src/observability/redact-secrets.js';
import { LogCapture } from '../helpers/log-capture.js';

const SECRET_KEYS = [
  'password',
  'currentPassword',
  'newPassword',
  'refreshToken',
  'accessToken',
  'authorization',
  'cookie',
  'set-cookie',
  'token',
  'secret',
  'passwordHash',
  'deviceToken',
];

// Shaped like the real thing; the redactor recognizes them by shape, not by the key they sit under.
const A_JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTEiLCJ0eXAiOiJhY2Nlc3MifQ.c2lnbmF0dXJlLWJ5dGVzLWhlcmU';
const A_BCRYPT_HASH = '$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy';
const A_DEVICE_TOKEN = 'dvc_Qm9vdC1zdHJhcC0x.aGVsbG8td29ybGQtMTIzNDU2Nzg5MGFi';

function logged(write: (logger: Logger) => void) {
  const capture = new LogCapture();
  write(createLogger({ level: 'info', destination: capture.stream }));
  const [line] = capture.lines;
  if (line === undefined) throw new Error('nothing was logged');
  return { text: capture.text, line };
}

describe('redactSecrets', () => {
  it.each(SECRET_KEYS)(
    'when a %s field appears at any depth or case, then it is redacted',
    (key) => {
      const value = `value-of-${key}`;
      const input = {
        [key]: value,
        [key.toUpperCase()]: value,
        nested: { deeper: { [key]: value } },
        list: [{ [key]: value }, [{ [key]: value }]],
      };

      expect(redactSecrets(input)).toEqual({
        [key]: REDACTED,
        [key.toUpperCase()]: REDACTED,
        nested: { deeper: { [key]: REDACTED } },
        list: [{ [key]: REDACTED }, [{ [key]: REDACTED }]],
      });
    },
  );

  it('when a secret field holds an object, then the whole object is redacted', () => {
    expect(redactSecrets({ req: { headers: { Cookie: { sid: 'abc' } } } })).toEqual({
      req: { headers: { Cookie: REDACTED } },
    });
  });

  it('when keys merely resemble secret names, then they and their values pass through unchanged', () => {
    const input = {
      email: 'ada@example.com',
      name: 'Ada',
      tokenType: 'Bearer',
      expiresIn: 900,
      passwordChangedAt: '2026-03-01T12:00:00.000Z',
      secrets: 2,
      flags: [true, null, 3],
      nested: { reason: 'wrong password', count: 0 },
    };

    expect(redactSecrets(input)).toEqual(input);
  });

  it('when ordinary text contains a JWT, a bcrypt hash or a device token, then only those are replaced', () => {
    const input = {
      note: `presented ${A_JWT} twice`,
      list: [`stored ${A_BCRYPT_HASH} for user`],
      body: `{"deviceToken":"${A_DEVICE_TOKEN}"}`,
    };

    expect(redactSecrets(input)).toEqual({
      note: `presented ${REDACTED} twice`,
      list: [`stored ${REDACTED} for user`],
      body: `{"deviceToken":"${REDACTED}"}`,
    });
    expect(redactSecrets(`Bearer ${A_JWT}`)).toBe(`Bearer ${REDACTED}`);
  });

  it('when objects nest deeper than 8 levels, then the part below becomes [Too deep]', () => {
    type Chain = { n?: Chain; leaf?: string };
    const chain = (levels: number): Chain =>
      levels === 0 ? { leaf: 'bottom' } : { n: chain(levels - 1) };

    // Eight objects (the top one and seven below it) are kept; the ninth is replaced.
    expect(redactSecrets(chain(7))).toEqual(chain(7));
    expect(JSON.stringify(redactSecrets(chain(8)))).toBe(
      '{"n":{"n":{"n":{"n":{"n":{"n":{"n":{"n":"[Too deep]"}}}}}}}}',
    );
    expect(redactSecrets([[[[[[[[['x']]]]]]]]])).toEqual([[[[[[[['[Too deep]']]]]]]]]);
  });

  it('when an object is redacted, then the input is left as it was', () => {
    const input = {
      password: 'hunter2',
      note: `token ${A_JWT}`,
      nested: { refreshToken: 'r', list: [{ secret: 's' }] },
    };
    const before = structuredClone(input);

    const output = redactSecrets(input);

    expect(input).toEqual(before);
    expect(output).not.toBe(input);
  });
});

describe('logger redaction', () => {
  it('when a request with an Authorization header and a user password is logged, then neither is written', () => {
    const { text, line } = logged((logger) => {
      logger.info(
        { req: { headers: { authorization: 'Bearer abc' } }, user: { password: 'x-pass-word' } },
        'incoming',
      );
    });

    expect(text).not.toContain('Bearer abc');
    expect(text).not.toContain('x-pass-word');
    expect(line).toMatchObject({
      req: { headers: { authorization: REDACTED } },
      user: { password: REDACTED },
      msg: 'incoming',
    });
  });

  it('when an Error whose message holds a JWT is logged as err, then type, message and stack are written with the JWT replaced', () => {
    const error = new TypeError(`could not use ${A_JWT}`);

    const { text, line } = logged((logger) => {
      logger.error({ err: error }, 'request failed');
    });

    expect(text).not.toContain(A_JWT);
    const err = line.err as Record<string, unknown>;
    expect(err).toMatchObject({ type: 'TypeError', message: `could not use ${REDACTED}` });
    expect(err.stack).toEqual(expect.stringContaining(`TypeError: could not use ${REDACTED}`));
    expect(err.stack).toEqual(expect.stringContaining('redact-secrets.test.ts'));
  });

  it('when an error carries an extra body property (as body-parser errors do), then it is not written', () => {
    const error = Object.assign(new SyntaxError('Unexpected token } in JSON'), {
      type: 'entity.parse.failed',
      status: 400,
      body: '{"email":"ada@example.com","password":"body-secret-123"}',
    });

    const { text, line } = logged((logger) => {
      logger.error({ err: error }, 'request failed');
    });

    expect(text).not.toContain('body-secret-123');
    expect(line.err).not.toHaveProperty('body');
    expect(line.err).toMatchObject({ type: 'SyntaxError', message: 'Unexpected token } in JSON' });
  });

  it('when an error has a cause, then the serialized cause is written too, scrubbed', () => {
    const cause = Object.assign(new RangeError(`bad hash ${A_BCRYPT_HASH}`), { code: 'E_HASH' });
    const error = new Error('login failed', { cause });

    const { text, line } = logged((logger) => {
      logger.error({ err: error }, 'request failed');
    });

    expect(text).not.toContain(A_BCRYPT_HASH);
    expect(line.err).toMatchObject({
      type: 'Error',
      message: 'login failed',
      cause: {
        type: 'RangeError',
        message: `bad hash ${REDACTED}`,
        code: 'E_HASH',
        stack: expect.stringContaining('RangeError') as string,
      },
    });
  });
});

describe('logger redaction of messages, bindings and other values', () => {
  it.each([
    [
      'an error logged as err without a message',
      (logger: Logger) => {
        logger.error({ err: new Error(`token ${A_JWT}`) });
      },
    ],
    [
      'an error logged on its own',
      (logger: Logger) => {
        logger.error(new Error(`token ${A_JWT}`));
      },
    ],
    [
      'a message string',
      (logger: Logger) => {
        logger.info(`token ${A_JWT}`);
      },
    ],
    [
      'an interpolated value',
      (logger: Logger) => {
        logger.info('token %s', A_JWT);
      },
    ],
  ])('when %s holds a JWT, then no part of the line holds it', (_, write) => {
    const { text, line } = logged(write);

    expect(text).not.toContain(A_JWT);
    expect(line.msg).toBe(`token ${REDACTED}`);
  });

  it('when an Error sits under a key other than err, then only its safe fields are written', () => {
    const error = Object.assign(new Error('lookup failed'), {
      password: 'hunter2-extra',
      body: '{"password":"hunter3-extra"}',
    });

    const { text, line } = logged((logger) => {
      logger.error({ context: { error } }, 'other key');
    });

    expect(text).not.toContain('hunter2-extra');
    expect(text).not.toContain('hunter3-extra');
    expect((line.context as { error: unknown }).error).toMatchObject({
      type: 'Error',
      message: 'lookup failed',
    });
  });

  it('when a child logger binds secret-named fields, then they are redacted in every line', () => {
    const { text, line } = logged((logger) => {
      logger
        .child({ token: 'child-token-value', authorization: 'Bearer child-auth' })
        .info('bound');
    });

    expect(text).not.toContain('child-token-value');
    expect(text).not.toContain('child-auth');
    expect(line).toMatchObject({ token: REDACTED, authorization: REDACTED });
  });

  it('when a Date is logged, then it is written as its ISO text, not emptied', () => {
    const { line } = logged((logger) => {
      logger.info({ at: new Date(0) }, 'date');
    });

    expect(line.at).toBe('1970-01-01T00:00:00.000Z');
  });
});

describe('redaction of other kinds of objects', () => {
  class Credentials {
    constructor(
      readonly email: string,
      readonly password: string,
    ) {}
  }

  it('when a class instance holds a secret field, then it is redacted like a plain object', () => {
    expect(redactSecrets({ creds: new Credentials('a@example.com', 'hunter2') })).toEqual({
      creds: { email: 'a@example.com', password: REDACTED },
    });
  });

  it('when a Map or a Set holds secrets, then they are walked and redacted', () => {
    const output = redactSecrets({
      headers: new Map([['authorization', 'Bearer abc']]),
      tokens: new Set([`t ${A_JWT}`]),
    });

    expect(output).toEqual({ headers: { authorization: REDACTED }, tokens: [`t ${REDACTED}`] });
  });

  it('when binary data is logged, then it is not written', () => {
    expect(redactSecrets({ body: Buffer.from('password=hunter2') })).toEqual({ body: '[Binary]' });
  });
});

describe('withoutCredentials', () => {
  it.each([
    ['redis://default:p@ss@127.0.0.1:6379', 'redis://127.0.0.1:6379'],
    ['rediss://user:pw@cache.example.net:6380/2', 'rediss://cache.example.net:6380/2'],
    [
      'mongodb://auth:s3cret@db1:27017,db2:27017/auth-api?w=majority',
      'mongodb://db1:27017,db2:27017/auth-api?w=majority',
    ],
    [
      'mongodb+srv://a:b@cluster0.example.net/auth-api',
      'mongodb+srv://cluster0.example.net/auth-api',
    ],
    ['mongodb://127.0.0.1:27017/auth-api', 'mongodb://127.0.0.1:27017/auth-api'],
    ['redis://127.0.0.1:6379?name=a@b', 'redis://127.0.0.1:6379?name=a@b'],
    ['not a url', 'not a url'],
  ])('when the URL is %s, then it is written as %s', (url, expected) => {
    expect(withoutCredentials(url)).toBe(expected);
  });
});
