// The pino logger: JSON lines, level names, and every object and error passed through secret redaction.
import { pino, type DestinationStream, type Logger } from 'pino';
import { redactSecrets, scrubSecretShapes } from './redact-secrets.js';

export type { Logger } from 'pino';

export interface LoggerOptions {
  level: string;
  /** Where lines go; standard output when omitted. Tests pass a stream they read back. */
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: { service: 'auth-api' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (object) => redactSecrets(object) as Record<string, unknown>,
      },
      serializers: { err: serializeError },
    },
    options.destination,
  );
}

/**
 * Only a known set of fields: library errors carry extras such as body-parser's raw `body`,
 * which would put a password into the log.
 */
export function serializeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: scrubSecretShapes(String(error)) };
  const code = (error as { code?: unknown }).code;
  return {
    type: error.name,
    message: scrubSecretShapes(error.message),
    ...(typeof code === 'string' ? { code } : {}),
    stack: scrubSecretShapes(error.stack ?? ''),
    ...(error.cause !== undefined ? { cause: serializeError(error.cause) } : {}),
  };
}
