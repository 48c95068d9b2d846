// Request bodies: JSON only, within the size limit, uncompressed (a compressed body could inflate past the limit's
// intent and costs CPU before any check).
import express, { type RequestHandler } from 'express';
import { AppError } from './app-error.js';

export function jsonBody(limitBytes: number): RequestHandler[] {
  return [
    (req, _res, next) => {
      if (hasBody(req.headers) && !req.is('application/json')) {
        throw new AppError('UNSUPPORTED_MEDIA_TYPE');
      }
      next();
    },
    express.json({ limit: limitBytes, strict: true, inflate: false, type: 'application/json' }),
  ];
}

function hasBody(headers: { 'transfer-encoding'?: string; 'content-length'?: string }): boolean {
  const length = headers['content-length'];
  return headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}
