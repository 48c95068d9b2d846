// Request bodies: JSON in UTF-8 only, within the size limit, and uncompressed (inflating costs CPU before any
// check, and a body the API only ever receives small has no reason to arrive compressed).
import express, { type Request, type RequestHandler } from 'express';
import { AppError } from './app-error.js';

const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)"?/i;

export function jsonBody(limitBytes: number): RequestHandler {
  const parseJson: RequestHandler = express.json({
    limit: limitBytes,
    strict: true,
    inflate: false,
    type: 'application/json',
  });
  return (req, res, next) => {
    // Most requests (every GET) carry no body: they skip the parser, and req.body stays undefined.
    if (!hasBody(req)) {
      next();
      return;
    }
    if (!(req.is('application/json') && isUtf8(req))) throw new AppError('UNSUPPORTED_MEDIA_TYPE');
    parseJson(req, res, next);
  };
}

function hasBody({ headers }: Request): boolean {
  const length = headers['content-length'];
  return headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** No charset means UTF-8 for JSON (RFC 8259); any other declared charset is refused, not decoded. */
function isUtf8({ headers }: Request): boolean {
  const charset = CHARSET.exec(headers['content-type'] ?? '')?.[1]?.toLowerCase();
  return charset === undefined || charset === 'utf-8' || charset === 'utf8';
}
