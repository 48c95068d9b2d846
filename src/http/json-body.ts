// Request bodies: JSON in UTF-8 only, within the size limit, and uncompressed (inflating costs CPU before any
// check, and a body the API only ever receives small has no reason to arrive compressed). Read here rather than by
// body-parser: the API takes one small kind of body, and body-parser's general machinery (type matching, raw-body,
// charset decoding streams) was a measurable share of a refresh request (bench/README.md, `b7e5093`).
import type { Request, RequestHandler } from 'express';
import { AppError } from '../errors/app-error.js';
import type { ErrorCode } from '../errors/error-catalogue.js';

const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)"?/i;
const JSON_MEDIA_TYPE = /^application\/json\s*(?:;|$)/i;
const BYTE_ORDER_MARK = '\uFEFF';

export function jsonBody(limitBytes: number): RequestHandler {
  return (req, _res, next) => {
    // Most requests (every GET) carry no body: they skip the reader, and req.body stays undefined.
    if (!hasBody(req)) {
      next();
      return;
    }
    if (!(isJson(req) && isUtf8(req) && isUncompressed(req))) {
      throw new AppError('UNSUPPORTED_MEDIA_TYPE');
    }
    readBody(req, limitBytes, (failure, text) => {
      if (failure) {
        next(new AppError(failure));
        return;
      }
      try {
        req.body = parseStrictJson(text);
      } catch {
        // The parser's message quotes the body, which may hold a password: only the code goes on.
        next(new AppError('MALFORMED_JSON'));
        return;
      }
      next();
    });
  };
}

/**
 * Collects the body as UTF-8 text, up to `limitBytes`. On a failure the rest of the body is still read and
 * discarded before `done` is called, so the answer goes to a client that is listening for it, as body-parser does.
 */
function readBody(
  req: Request,
  limitBytes: number,
  done: (failure: ErrorCode | undefined, text: string) => void,
): void {
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  let failure: ErrorCode | undefined = declared > limitBytes ? 'PAYLOAD_TOO_LARGE' : undefined;
  const chunks: Buffer[] = [];
  let received = 0;
  let settled = false;
  const settle = (text: string) => {
    if (settled) return;
    settled = true;
    done(failure, text);
  };
  req.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (failure) return;
    if (received > limitBytes) {
      failure = 'PAYLOAD_TOO_LARGE';
      chunks.length = 0;
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    if (failure) {
      settle('');
      return;
    }
    const text = (chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)).toString();
    settle(text.startsWith(BYTE_ORDER_MARK) ? text.slice(1) : text);
  });
  // A client that goes away mid-body gets no answer; the request line records it as aborted.
  req.on('error', () => {
    failure ??= 'BAD_REQUEST';
    settle('');
  });
}

/** Only an object or an array, as body-parser's strict mode; an empty body is an empty object. */
function parseStrictJson(text: string): unknown {
  const trimmed = text.trimStart();
  if (trimmed === '') return {};
  if (trimmed[0] !== '{' && trimmed[0] !== '[') throw new SyntaxError('not a JSON object or array');
  return JSON.parse(text) as unknown;
}

function hasBody({ headers }: Request): boolean {
  const length = headers['content-length'];
  return headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function isJson({ headers }: Request): boolean {
  return JSON_MEDIA_TYPE.test(headers['content-type'] ?? '');
}

/** No charset means UTF-8 for JSON (RFC 8259); any other declared charset is refused, not decoded. */
function isUtf8({ headers }: Request): boolean {
  const charset = CHARSET.exec(headers['content-type'] ?? '')?.[1]?.toLowerCase();
  return charset === undefined || charset === 'utf-8' || charset === 'utf8';
}

function isUncompressed({ headers }: Request): boolean {
  const encoding = headers['content-encoding'];
  return encoding === undefined || encoding.toLowerCase() === 'identity';
}
