// The one error type services and middleware throw; the error handler turns it into the response.
import { ERROR_CATALOGUE, type ErrorCode } from './error-catalogue.js';

export interface ErrorDetail {
  path: string;
  message: string;
}

export interface AppErrorOptions {
  message?: string;
  details?: ErrorDetail[];
  headers?: Record<string, string>;
  /** Why a session ended, carried by SESSION_REVOKED (DESIGN section 4). */
  reason?: string;
  cause?: unknown;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: ErrorDetail[] | undefined;
  readonly headers: Record<string, string> | undefined;
  readonly reason: string | undefined;

  constructor(code: ErrorCode, options: AppErrorOptions = {}) {
    super(options.message ?? ERROR_CATALOGUE[code].message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = ERROR_CATALOGUE[code].status;
    this.details = options.details;
    this.headers = options.headers;
    this.reason = options.reason;
  }
}
