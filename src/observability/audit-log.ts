// Security-relevant events as structured log lines with `event` set, for alerting and forensics.
import type { AuditEvent } from './audit-event.js';
import { createLineWriter } from './line-writer.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';

export interface AuditLog {
  record(event: AuditEvent, fields: Record<string, unknown>): void;
}

/** Writes each event as a log line and, when metrics are kept, counts it. */
export function createAuditLog(
  logger: Logger,
  metrics?: Pick<Metrics, 'countAuditEvent'>,
): AuditLog {
  const audit = logger.child({ channel: 'audit' });
  const writeLine = createLineWriter(audit);
  return {
    record(event, fields) {
      const line = { event, ...fields };
      if (!writeLine('info', line, event)) audit.info(line, event);
      metrics?.countAuditEvent(event, fields);
    },
  };
}
