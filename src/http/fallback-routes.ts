// Answers for requests no route takes: an unknown path, or a known path with a method it does not serve.
import type { Request, RequestHandler } from 'express';
import { AppError } from '../errors/app-error.js';

export const notFound: RequestHandler = () => {
  throw new AppError('NOT_FOUND');
};

/** Mounted with `.all()` after a route's handlers: 405 with the Allow header listing what the route serves. */
export const methodNotAllowed: RequestHandler = (req: Request) => {
  const route: unknown = req.route;
  const served =
    typeof route === 'object' && route !== null && 'methods' in route ? route.methods : {};
  const methods = Object.keys(served ?? {})
    .filter((method) => method !== '_all')
    .map((method) => method.toUpperCase());
  if (methods.includes('GET')) methods.push('HEAD');
  throw new AppError('METHOD_NOT_ALLOWED', { headers: { Allow: methods.join(', ') } });
};
