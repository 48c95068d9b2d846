// The process's mail delivery as configured: the transport (SMTP, or .eml files outside production) and the outbox
// worker feeding it on a timer, with the features' composer of mail requests. Started by the entry point after the
// store opens, stopped before it closes.
import type { Clock } from '../clock.js';
import type { Config } from '../config/config.js';
import type { AuditLog } from '../observability/audit-log.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { MailOutbox } from '../storage/ports/mail-outbox.js';
import { createFileTransport } from './file-transport.js';
import type { MailComposer } from './mail-composer.js';
import { outboxSealer } from './mail-sealer.js';
import { createOutboxWorker } from './outbox-worker.js';
import { createSmtpTransport } from './smtp-transport.js';

/** How often the worker looks for due mail: a reset link arrives within seconds, and an idle store is asked little. */
const OUTBOX_INTERVAL_MS = 2000;

export interface OutboxDelivery {
  /** Sends no more: finishes the send under way, then closes the transport. */
  stop(): Promise<void>;
}

export function startOutboxDelivery(deps: {
  settings: Config['mail'];
  outbox: MailOutbox;
  composer: MailComposer;
  clock: Clock;
  logger: Logger;
  audit: AuditLog;
  metrics: Metrics;
}): OutboxDelivery {
  const { settings, clock, logger } = deps;
  const transport =
    settings.transport.kind === 'smtp'
      ? createSmtpTransport({ url: settings.transport.url, from: settings.from })
      : createFileTransport({ dir: settings.transport.dir, from: settings.from, clock, logger });
  const worker = createOutboxWorker({
    outbox: deps.outbox,
    transport,
    composer: deps.composer,
    sealer: outboxSealer(settings.outboxKeys),
    clock,
    logger,
    audit: deps.audit,
    metrics: deps.metrics,
    retryDelayMs: settings.retryDelayMs,
  });
  worker.start(OUTBOX_INTERVAL_MS);
  return {
    async stop() {
      await worker.stop();
      await transport.close();
    },
  };
}
