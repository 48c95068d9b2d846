import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger.js';
import { requestLogWriter, type RequestLogLine } from '../../src/observability/request-log-line.js';
import { LogCapture } from '../helpers/log-capture.js';

const line: RequestLogLine = {
  reqId: 'lb-1234.abc',
  method: 'GET',
  route: '/api/auth/profile',
  status: 200,
  ms: 0.4,
};

/** The line pino itself writes for the same fields, to hold the lean writer to the same format. */
function pinoLine(fields: object, level: 'info' | 'error', bindings = {}) {
  const logs = new LogCapture();
  createLogger({ level: 'info', destination: logs.stream })
    .child(bindings)
    [level](fields, 'request');
  return logs.text;
}

const withoutTime = (text: string) => text.replace(/"time":"[^"]+"/, '"time":"T"');

describe('request log line', () => {
  it('when a request is written, then the line is byte for byte what logger.info would write, bindings included', () => {
    const logs = new LogCapture();
    const logger = createLogger({ level: 'info', destination: logs.stream }).child({ worker: 2 });

    requestLogWriter(logger)(line);
    requestLogWriter(logger)({ ...line, status: 401, error: 'TOKEN_MISSING', aborted: true });

    const [first, second] = logs.text.split('\n');
    expect(withoutTime(`${first ?? ''}\n`)).toBe(
      withoutTime(pinoLine(line, 'info', { worker: 2 })),
    );
    expect(withoutTime(`${second ?? ''}\n`)).toBe(
      withoutTime(
        pinoLine({ ...line, status: 401, error: 'TOKEN_MISSING', aborted: true }, 'info', {
          worker: 2,
        }),
      ),
    );
    expect(logs.lines[0]?.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('when the answer is a 5xx, then the line is at error level; at level warn only that one is written', () => {
    const logs = new LogCapture();
    const write = requestLogWriter(createLogger({ level: 'warn', destination: logs.stream }));

    write(line);
    write({ ...line, status: 500, error: 'INTERNAL_ERROR' });

    expect(logs.lines).toEqual([
      expect.objectContaining({
        level: 'error',
        status: 500,
        error: 'INTERNAL_ERROR',
        msg: 'request',
      }),
    ]);
    expect(withoutTime(logs.text)).toBe(
      withoutTime(pinoLine({ ...line, status: 500, error: 'INTERNAL_ERROR' }, 'error')),
    );
  });

  it('when the logger is silent, then nothing is written', () => {
    const logs = new LogCapture();

    requestLogWriter(createLogger({ level: 'silent', destination: logs.stream }))(line);

    expect(logs.text).toBe('');
  });

  it('when a field holds quotes, backslashes or line breaks, then the line stays one valid JSON line', () => {
    const logs = new LogCapture();
    const hostile = '"},"level":"fatal"\n{"x":"\\';

    requestLogWriter(createLogger({ level: 'info', destination: logs.stream }))({
      ...line,
      method: hostile,
      route: hostile,
    });

    expect(logs.text.split('\n')).toHaveLength(2);
    expect(logs.lines).toEqual([
      expect.objectContaining({ level: 'info', method: hostile, route: hostile }),
    ]);
  });
});
