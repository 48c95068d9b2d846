// Gives every request an id: the caller's X-Request-Id when well-formed (so ids follow a request across services),
// otherwise a fresh one; echoed in the response. A token-shaped id is refused too: the id goes into every log line
// of its request unredacted.
import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import { hasSecretShape } from '../observability/redact-secrets.js';

const WELL_FORMED_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestId(): RequestHandler {
  return (req, res, next) => {
    const given = req.headers['x-request-id'];
    const id =
      typeof given === 'string' && WELL_FORMED_ID.test(given) && !hasSecretShape(given)
        ? given
        : randomUUID();
    res.locals.requestId = id;
    res.setHeader('X-Request-Id', id);
    next();
  };
}
