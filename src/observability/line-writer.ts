// Log lines of flat fields built as one string and handed straight to the logger's destination: the request line
// every request writes and the audit event of every auth call. They go through the same redaction as every other
// line (a secret-named field is replaced, token and hash shapes are scrubbed from text), but not through pino's
// generic object walk and hooks, which cost a refresh request a measurable share for its audit line alone
// (bench/README.md, `32a51f5`). The format is pino's own: level, time and bindings come from the logger.
import { pino } from 'pino';
import type { Logger } from './logger.js';
import { isSecretKey, REDACTED, scrubSecretShapes } from './redact-secrets.js';

type LineLevel = 'info' | 'warn' | 'error';

/** Writes one line; false, having written nothing, when a field is not flat (the caller then logs it as usual). */
export type LineWriter = (
  level: LineLevel,
  fields: Record<string, unknown>,
  msg: string,
) => boolean;

/** What pino keeps on a logger to build its lines; read through its exported symbols. */
interface PinoLineParts {
  /** Per level number, the line's opening: `{"level":"info"` with our level formatter. */
  [pino.symbols.lsCacheSym]: Record<number, string>;
  /** `,"time":"…"` from the logger's timestamp function. */
  [pino.symbols.timeSym]: () => string;
  /** The logger's bindings, serialized (and redacted) when they were bound: `,"service":"auth-api",…`. */
  [pino.symbols.chindingsSym]: string;
  [pino.symbols.streamSym]: { write(line: string): unknown };
}

/** A writer of lines in exactly the shape `logger[level](fields, msg)` gives, at the logger's level. */
export function createLineWriter(logger: Logger): LineWriter {
  const parts = logger as unknown as PinoLineParts;
  const opening = parts[pino.symbols.lsCacheSym];
  const bindings = parts[pino.symbols.chindingsSym];
  return (level, fields, msg) => {
    const serialized = serializeFlat(fields);
    if (serialized === undefined) return false;
    const levelValue = logger.levels.values[level] ?? Number.POSITIVE_INFINITY;
    if (levelValue < logger.levelVal) return true;
    parts[pino.symbols.streamSym].write(
      `${opening[levelValue] ?? ''}${parts[pino.symbols.timeSym]()}${bindings}${serialized}` +
        `,"msg":${JSON.stringify(scrubSecretShapes(msg))}}\n`,
    );
    return true;
  };
}

/** `,"key":value…` for strings, numbers, booleans and nulls (undefined is left out, as pino does); else undefined. */
function serializeFlat(fields: Record<string, unknown>): string | undefined {
  let text = '';
  for (const key in fields) {
    const value = fields[key];
    if (value === undefined) continue;
    const opening = fieldOpening(key);
    if (opening === undefined) {
      text += `,${JSON.stringify(key)}:"${REDACTED}"`;
    } else if (typeof value === 'string') {
      text += opening + JSON.stringify(scrubSecretShapes(value));
    } else if (typeof value === 'number') {
      text += opening + (Number.isFinite(value) ? String(value) : 'null');
    } else if (typeof value === 'boolean' || value === null) {
      text += opening + String(value);
    } else {
      return undefined;
    }
  }
  return text;
}

/** Lines reuse a handful of field names; past this many the memo starts again. */
const MAX_MEMOIZED_FIELD_NAMES = 1_000;
const fieldOpenings = new Map<string, string | undefined>();

/** `,"key":` for a field, worked out once per name; undefined for a secret-named field, whose value is replaced. */
function fieldOpening(key: string): string | undefined {
  if (fieldOpenings.has(key)) return fieldOpenings.get(key);
  const opening = isSecretKey(key) ? undefined : `,${JSON.stringify(key)}:`;
  if (fieldOpenings.size >= MAX_MEMOIZED_FIELD_NAMES) fieldOpenings.clear();
  fieldOpenings.set(key, opening);
  return opening;
}
