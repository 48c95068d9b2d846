// The pino logger: JSON lines, level names, and everything written (fields, bindings, messages, errors) passed
// through secret redaction first.
import { pino, type Bindings, type DestinationStream, type Logger } from 'pino';
import { redactSecrets, scrubSecretShapes, serializeError } from './redact-secrets.js';

export type { Logger } from 'pino';

export interface LoggerOptions {
  level: string;
  /** Where lines go; standard output (coalescedStandardOutput) when omitted. Tests pass a stream they read back. */
  destination?: DestinationStream;
}

/** How long a line may wait for others before the batch goes to standard output. */
const LOG_BATCH_WAIT_MS = 10;
/** A batch this long goes out at once, whatever its age: bounds the memory a burst holds. */
const LOG_BATCH_MAX_LINES = 256;

/**
 * Standard output, with the lines of up to LOG_BATCH_WAIT_MS handed to pino's destination as one write. Each write
 * is an fs.write on libuv's thread pool, and on a loaded server the hand-offs between threads cost more CPU than
 * building the lines did: batching per event-loop turn still wrote a few lines at a time, and waiting a little longer
 * measurably cut every request's cost (bench/README.md, `bb25005`). Lines are joined here rather than in the
 * destination's own buffer (its minLength), which measures the UTF-8 length of everything it holds on every write
 * and never writes a short batch on its own. On exit the waiting lines are handed over and written synchronously; a
 * process killed outright (SIGKILL) loses at most the last 10 ms of lines.
 */
function coalescedStandardOutput(): DestinationStream {
  const stream = pino.destination({ dest: 1, sync: false });
  let pending: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  const handOver = () => {
    clearTimeout(timer);
    timer = undefined;
    if (pending.length === 0) return;
    const text = pending.join('');
    pending = [];
    stream.write(text);
  };
  process.on('exit', () => {
    try {
      handOver();
      stream.flushSync();
    } catch {
      // Standard output is gone (a closed pipe): there is nowhere left to write, and exit must not fail for it.
    }
  });
  return {
    write(line: string) {
      // One timer per batch: a batch handed over full takes its timer with it.
      timer ??= setTimeout(handOver, LOG_BATCH_WAIT_MS);
      pending.push(line);
      if (pending.length >= LOG_BATCH_MAX_LINES) handOver();
    },
  };
}

/** pino's isoTime, formatted once per millisecond: under load, the lines of one millisecond share it. */
function isoTimeOncePerMillisecond(): () => string {
  let lastMs = Number.NaN;
  let field = '';
  return () => {
    const now = Date.now();
    if (now !== lastMs) {
      lastMs = now;
      field = `,"time":"${new Date(now).toISOString()}"`;
    }
    return field;
  };
}

const scrubIfText = (arg: unknown) => (typeof arg === 'string' ? scrubSecretShapes(arg) : arg);

export function createLogger(options: LoggerOptions): Logger {
  const logger = pino(
    {
      level: options.level,
      base: { service: 'auth-api' },
      timestamp: isoTimeOncePerMillisecond(),
      formatters: {
        level: (label) => ({ level: label }),
        bindings: (bindings) => redactSecrets(bindings) as Record<string, unknown>,
        log: (object) => redactSecrets(object) as Record<string, unknown>,
      },
      // Errors are reduced by redactSecrets already; this covers one logged on its own, as in logger.error(err).
      serializers: {
        err: (error: unknown) => (error instanceof Error ? serializeError(error) : error),
      },
      hooks: {
        logMethod(args, write) {
          const [first, ...rest] = args as unknown[];
          // With no message given, pino would copy the raw error message into `msg`: give it the scrubbed one.
          const error = first instanceof Error ? first : errorField(first);
          const hasMessage =
            typeof first === 'string' || rest.some((arg) => typeof arg === 'string');
          if (error && !hasMessage) rest.push(error.message);
          write.apply(this, [first, ...rest].map(scrubIfText) as Parameters<typeof write>);
        },
      },
    },
    options.destination ?? coalescedStandardOutput(),
  );
  // pino applies formatters.bindings to the root logger only, so a child's bindings are redacted as it is made.
  // Children inherit this method from the root, so grandchildren go through it too.
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called below with the right `this`
  const createChild = logger.child;
  logger.child = function child(this: Logger, bindings, childOptions) {
    return createChild.call(this, redactSecrets(bindings) as Bindings, childOptions);
  } as Logger['child'];
  return logger;
}

function errorField(value: unknown): Error | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const err = (value as { err?: unknown }).err;
  return err instanceof Error ? err : undefined;
}
