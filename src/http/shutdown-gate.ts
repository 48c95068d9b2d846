// While the process shuts down, requests that still arrive on open connections are refused, and their connection
// closed, rather than started.
import type { RequestHandler } from 'express';
import { AppError } from '../errors/app-error.js';

/** Shared with the process entry, which flips `shuttingDown` when a signal arrives. */
export interface Lifecycle {
  shuttingDown: boolean;
}

/** New requests on connections still open during a shutdown: 503, and the connection closes after it. */
export function refuseWhileShuttingDown(lifecycle: Lifecycle): RequestHandler {
  return (_req, res, next) => {
    if (!lifecycle.shuttingDown) {
      next();
      return;
    }
    res.setHeader('Connection', 'close');
    throw new AppError('SERVICE_UNAVAILABLE', {
      message: 'The server is shutting down; retry shortly.',
    });
  };
}
