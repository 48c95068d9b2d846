// The one place errors become responses: every error leaves as {success:false, message, error[, details]}.
// Library errors are recognized by their class or status, never by their message.
import type { ErrorRequestHandler } from 'express';
import type { Logger } from '../observability/logger.js';
import { StoreUnavailableError } from '../storage/ports/stores.js';
import { AppError } from '../errors/app-error.js';
import type { ErrorCode } from '../errors/error-catalogue.js';

// Other client errors raised by Express's own pieces (http-errors), by status.
const CLIENT_STATUS_CODES: Record<number, ErrorCode> = {
  400: 'BAD_REQUEST',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

interface HttpError {
  status: number;
  expose: boolean;
}

function isHttpError(error: unknown): error is HttpError {
  const candidate = error as Partial<HttpError> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.status === 'number' &&
    typeof candidate.expose === 'boolean'
  );
}

export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof StoreUnavailableError) {
    return new AppError('SERVICE_UNAVAILABLE', { cause: error, headers: { 'Retry-After': '5' } });
  }
  // The router's own refusal of a path parameter that is not valid percent-encoding: a URIError it marks 400.
  if (error instanceof URIError && (error as Partial<HttpError>).status === 400) {
    return new AppError('BAD_REQUEST', { cause: error });
  }
  if (isHttpError(error) && error.status >= 400 && error.status < 500) {
    return new AppError(CLIENT_STATUS_CODES[error.status] ?? 'BAD_REQUEST', {
      cause: error,
    });
  }
  return new AppError('INTERNAL_ERROR', { cause: error });
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, _req, res, next) => {
    if (res.headersSent) {
      // Too late for a clean answer; Express's default handler closes the connection.
      next(error);
      return;
    }
    const appError = toAppError(error);
    logFailure(logger, appError, res.locals.requestId);
    res.locals.errorCode = appError.code;
    if (appError.headers) res.set(appError.headers);
    res.status(appError.status).json({
      success: false,
      message: appError.message,
      error: appError.code,
      ...(appError.reason === undefined ? {} : { reason: appError.reason }),
      ...(appError.details ? { details: appError.details } : {}),
    });
  };
}

/** Unexpected failures are errors with their cause; an unreachable store is a warning; client errors only show in
 * the request line. */
function logFailure(logger: Logger, error: AppError, reqId: string): void {
  if (error.code === 'INTERNAL_ERROR') {
    logger.error({ err: error.cause ?? error, reqId }, 'request failed');
  } else if (error.code === 'SERVICE_UNAVAILABLE' && error.cause !== undefined) {
    logger.warn({ err: error.cause, reqId }, 'store unavailable');
  }
}
