// Who is calling, as services need it for sessions and audit events, and how a controller reads it off the request:
// the request id, the client IP (through TRUST_PROXY only) and a bounded user agent.
import type { Request, Response } from 'express';

export interface ClientContext {
  requestId: string;
  ip: string | null;
  userAgent: string | null;
}

const MAX_USER_AGENT_LENGTH = 512;

export function clientContext(req: Request, res: Response): ClientContext {
  const userAgent = req.get('user-agent');
  return {
    requestId: res.locals.requestId,
    ip: req.ip ?? null,
    userAgent: userAgent === undefined ? null : userAgent.slice(0, MAX_USER_AGENT_LENGTH),
  };
}
