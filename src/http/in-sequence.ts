// Runs a fixed list of middleware as one: every request passes through the same steps before routing, so they need
// none of the router's per-layer path matching, whose dispatch was a large share of a small request's time with
// ten such layers (bench/README.md).
import type { NextFunction, Request, RequestHandler, Response } from 'express';

type Handler = (req: Request, res: Response, next: NextFunction) => unknown;

/**
 * One middleware that calls `handlers` in order. A handler that throws, or passes an error to `next`, skips the rest
 * and hands the error on, as Express would; so does a rejected promise from an async handler.
 */
export function inSequence(handlers: ReadonlyArray<Handler>): RequestHandler {
  const steps = [...handlers];
  return (req, res, done) => {
    let index = 0;
    const next: NextFunction = (error?: unknown) => {
      // Falsy means no error, as in Express.
      if (error) {
        done(error);
        return;
      }
      const step = steps[index];
      index += 1;
      if (step === undefined) {
        done();
        return;
      }
      try {
        const result = step(req, res, next);
        if (result instanceof Promise) result.catch(done);
      } catch (thrown) {
        done(thrown);
      }
    };
    next();
  };
}
