import { describe, expect, it } from 'vitest';
import { createLineWriter } from '../../src/observability/line-writer.js';
import { createLogger } from '../../src/observability/logger.js';
import { LogCapture } from '../helpers/log-capture.js';

const requestLine = {
  reqId: 'lb-1234.abc',
  method: 'GET',
  route: '/api/auth/profile',
  status: 200,
  ms: 0.4,
};
const jwtShaped = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
const auditLine = {
  event: 'token.refresh',
  userId: 'user-1',
  ip: '::ffff:127.0.0.1',
  userAgent: `curl/8 ${jwtShaped}`,
  refreshToken: 'not-to-be-seen',
  ended: 2,
  alreadyEnded: false,
  reason: null,
  absent: undefined,
  ratio: Number.NaN,
};

/** What the logger itself writes for the same call, to hold the writer to the same line. */
function loggerLine(fields: object, level: 'info' | 'error', msg: string, bindings = {}) {
  const logs = new LogCapture();
  createLogger({ level: 'info', destination: logs.stream }).child(bindings)[level](fields, msg);
  return logs.text;
}

const withoutTime = (text: string) => text.replace(/"time":"[^"]+"/g, '"time":"T"');

describe('line writer', () => {
  it.each([
    ['a request line', requestLine, 'request'],
    [
      'an audit line, with a secret-named field, a token in text, null, NaN and undefined',
      auditLine,
      'token.refresh',
    ],
    [
      'a refused request',
      { ...requestLine, status: 401, error: 'TOKEN_MISSING', aborted: true },
      'request',
    ],
  ])(
    'when %s is written, then it is byte for byte what the logger writes, bindings included',
    (_, fields, msg) => {
      const logs = new LogCapture();
      const logger = createLogger({ level: 'info', destination: logs.stream }).child({
        channel: 'audit',
      });

      expect(createLineWriter(logger)('info', fields, msg)).toBe(true);

      expect(withoutTime(logs.text)).toBe(
        withoutTime(loggerLine(fields, 'info', msg, { channel: 'audit' })),
      );
      expect(logs.text).not.toContain('not-to-be-seen');
      expect(logs.text).not.toContain(jwtShaped);
      expect(logs.lines[0]?.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    },
  );

  it('when a line is at error level and the logger at warn, then only the error line is written', () => {
    const logs = new LogCapture();
    const write = createLineWriter(createLogger({ level: 'warn', destination: logs.stream }));

    write('info', requestLine, 'request');
    write('error', { ...requestLine, status: 500, error: 'INTERNAL_ERROR' }, 'request');

    expect(logs.lines).toEqual([
      expect.objectContaining({ level: 'error', status: 500, msg: 'request' }),
    ]);
    expect(withoutTime(logs.text)).toBe(
      withoutTime(
        loggerLine({ ...requestLine, status: 500, error: 'INTERNAL_ERROR' }, 'error', 'request'),
      ),
    );
  });

  it('when the logger is silent, then nothing is written', () => {
    const logs = new LogCapture();

    createLineWriter(createLogger({ level: 'silent', destination: logs.stream }))(
      'error',
      requestLine,
      'request',
    );

    expect(logs.text).toBe('');
  });

  it('when a field is not flat (an object, a date, an error), then it says so and writes nothing', () => {
    const logs = new LogCapture();
    const write = createLineWriter(createLogger({ level: 'info', destination: logs.stream }));

    expect(write('info', { ...requestLine, nested: { password: 'x' } }, 'request')).toBe(false);
    expect(write('info', { at: new Date(0) }, 'request')).toBe(false);
    expect(write('info', { err: new Error('boom') }, 'request')).toBe(false);
    expect(logs.text).toBe('');
  });

  it('when a field holds quotes, backslashes or line breaks, then the line stays one valid JSON line', () => {
    const logs = new LogCapture();
    const hostile = '"},"level":"fatal"\n{"x":"\\';

    createLineWriter(createLogger({ level: 'info', destination: logs.stream }))(
      'info',
      { ...requestLine, method: hostile, [hostile]: 1 },
      hostile,
    );

    expect(logs.text.split('\n')).toHaveLength(2);
    expect(logs.lines).toEqual([
      expect.objectContaining({ level: 'info', method: hostile, [hostile]: 1, msg: hostile }),
    ]);
  });
});
