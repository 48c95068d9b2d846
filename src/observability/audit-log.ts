// Security-relevant events as structured log lines with `event` set, for alerting and forensics.
import type { Logger } from './logger.js';

export type AuditEvent =
  | 'register'
  | 'login.success'
  | 'login.failure'
  | 'login.lockout'
  | 'token.refresh'
  | 'token.refresh_in_grace'
  | 'token.reuse_detected'
  | 'logout'
  | 'logout_all'
  | 'session.revoked'
  | 'password.changed'
  | 'account.deleted';

export interface AuditLog {
  record(event: AuditEvent, fields: Record<string, unknown>): void;
}

export function createAuditLog(logger: Logger): AuditLog {
  const audit = logger.child({ channel: 'audit' });
  return {
    record(event, fields) {
      audit.info({ event, ...fields }, event);
    },
  };
}
