// The one log line every request leaves, built as a string and handed straight to the logger's destination. Its
// fields are fixed (request id, method, route pattern, status, duration, error code) and none can hold a secret, so
// it skips the redaction pass and pino's generic object walk that every other line goes through (DESIGN §4: the
// request line is one of the two levers on the hot path; bench/README.md has what it bought).
import { pino } from 'pino';
import type { Logger } from './logger.js';

export interface RequestLogLine {
  /** Well-formed by construction: request-id.ts accepts only [A-Za-z0-9._:-] and never a token's shape. */
  reqId: string;
  method: string;
  /** The matched route pattern, never the raw URL. */
  route: string;
  status: number;
  ms: number;
  /** The error code of a refused request. */
  error?: string;
  /** The client went away before the answer was sent in full. */
  aborted?: boolean;
}

export type RequestLogWriter = (line: RequestLogLine) => void;

/** What pino keeps on a logger to build its lines; read through its exported symbols, so the format is pino's own. */
interface PinoLineParts {
  /** Per level number, the line's opening: `{"level":"info"` with our level formatter. */
  [pino.symbols.lsCacheSym]: Record<number, string>;
  /** `,"time":"…"` from the logger's timestamp function. */
  [pino.symbols.timeSym]: () => string;
  /** The logger's bindings, already serialized (and redacted when they were bound): `,"service":"auth-api",…`. */
  [pino.symbols.chindingsSym]: string;
  [pino.symbols.streamSym]: { write(line: string): unknown };
}

/**
 * A writer of request lines in exactly the shape `logger.info(fields, 'request')` gives (`logger.error` for a 5xx),
 * at the logger's level: a line below it is not built at all.
 */
export function requestLogWriter(logger: Logger): RequestLogWriter {
  const parts = logger as unknown as PinoLineParts;
  const levels = parts[pino.symbols.lsCacheSym];
  const bindings = parts[pino.symbols.chindingsSym];
  const info = logger.levels.values.info ?? 30;
  const error = logger.levels.values.error ?? 50;
  return (line) => {
    const level = line.status >= 500 ? error : info;
    if (level < logger.levelVal) return;
    const errorField = line.error === undefined ? '' : `,"error":${JSON.stringify(line.error)}`;
    parts[pino.symbols.streamSym].write(
      `${levels[level] ?? ''}${parts[pino.symbols.timeSym]()}${bindings}` +
        `,"reqId":${JSON.stringify(line.reqId)},"method":${JSON.stringify(line.method)}` +
        `,"route":${JSON.stringify(line.route)},"status":${line.status},"ms":${line.ms}` +
        `${errorField}${line.aborted ? ',"aborted":true' : ''},"msg":"request"}\n`,
    );
  };
}
