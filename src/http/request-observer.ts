// What every request leaves behind when it ends: one lean log line (method, route, status, duration, request id; no
// headers or bodies, so nothing secret is put in it), written by the flat line writer, and one observation in the
// request-duration histogram, both from a single measurement.
import type { Request, RequestHandler } from 'express';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { createLineWriter } from '../observability/line-writer.js';

export function observeRequests(
  logger: Logger,
  metrics: Pick<Metrics, 'observeRequest'>,
): RequestHandler {
  const writeLine = createLineWriter(logger);
  return (req, res, next) => {
    const startedAt = process.hrtime.bigint();
    // At debug level only: shows a request the server has taken, before it finishes (e.g. during a shutdown).
    logger.debug({ reqId: res.locals.requestId, method: req.method }, 'request received');
    // 'close' comes once for every response, after 'finish' when it was sent in full: one listener is enough.
    res.on('close', () => {
      const durationMs = Number(process.hrtime.bigint() - startedAt) / 1e6;
      const route = routeOf(req);
      metrics.observeRequest(req.method, route, res.statusCode, durationMs / 1000);
      const line = {
        reqId: res.locals.requestId,
        method: req.method,
        route,
        status: res.statusCode,
        ms: Math.round(durationMs * 10) / 10,
        error: res.locals.errorCode,
        aborted: res.writableFinished ? undefined : true,
      };
      writeLine(res.statusCode >= 500 ? 'error' : 'info', line, 'request');
    });
    next();
  };
}

/** The matched route pattern, in full (never the raw URL, which may carry ids or tokens in its query). */
function routeOf(req: Request): string {
  const route: unknown = req.route;
  const path =
    typeof route === 'object' && route !== null && 'path' in route ? route.path : undefined;
  return typeof path === 'string' ? path : '(unmatched)';
}
