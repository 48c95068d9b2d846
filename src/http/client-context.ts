// The caller as services see it: request id, client IP (through TRUST_PROXY only) and a bounded user agent.
import type { Request, Response } from 'express';
import type { ClientContext } from '../auth/client-context.js';

const MAX_USER_AGENT_LENGTH = 512;

export function clientContext(req: Request, res: Response): ClientContext {
  const userAgent = req.get('user-agent');
  return {
    requestId: res.locals.requestId,
    ip: req.ip ?? null,
    userAgent: userAgent === undefined ? null : userAgent.slice(0, MAX_USER_AGENT_LENGTH),
  };
}
