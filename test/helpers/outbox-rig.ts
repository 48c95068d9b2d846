// The outbox's real parts wired for a test: SQLite stores (in memory unless given), the sealer, the SMTP transport
// to an in-process receiver, recovery's composer of link mails (as main.ts wires it), a fake clock, the audit log
// and metrics of the app, logs captured. Workers built here are stopped, and everything closed, when the test ends.
import { randomBytes } from 'node:crypto';
import type { Registry } from 'prom-client';
import { onTestFinished } from 'vitest';
import { loadConfig, type Config } from '../../src/config/config.js';
import type { MailMessage, MailRequest } from '../../src/mail/mail-message.js';
import { createMailQueue } from '../../src/mail/mail-queue.js';
import { createMailSealer, sealingKey, type MailSealer } from '../../src/mail/mail-sealer.js';
import type { MailTransport } from '../../src/mail/mail-transport.js';
import {
  createOutboxWorker,
  type OutboxWorker,
  type OutboxWorkerOptions,
} from '../../src/mail/outbox-worker.js';
import { createSmtpTransport } from '../../src/mail/smtp-transport.js';
import { createAuditLog } from '../../src/observability/audit-log.js';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics, type Metrics } from '../../src/observability/metrics.js';
import { createLinkMailComposer } from '../../src/recovery/link-mail-composer.js';
import type { Stores } from '../../src/storage/ports/stores.js';
import { openSqliteStores } from '../../src/storage/sqlite/sqlite-stores.js';
import { FakeClock } from './fake-clock.js';
import { LogCapture } from './log-capture.js';
import { SmtpReceiver } from './smtp-receiver.js';
import { TEST_SECRETS } from './test-app.js';

export const RETRY_DELAY_MS = 30_000;

export interface OutboxRig {
  stores: Stores;
  receiver: SmtpReceiver;
  transport: MailTransport;
  sealer: MailSealer;
  clock: FakeClock;
  logs: LogCapture;
  metrics: Metrics;
  /** The test configuration the composer mints links with (APP_URL, link lifetimes). */
  config: Config;
  /** Seals and queues a mail as a feature would; resolves to its outbox id. */
  queue(message: MailMessage, notAfter?: Date): Promise<string>;
  /** Seals and queues a mail request as a feature would; resolves to its outbox id. */
  queueRequest(request: MailRequest['request'], notAfter?: Date): Promise<string>;
  /** A worker over the rig's parts (options override them). */
  worker(options?: Partial<OutboxWorkerOptions>): OutboxWorker;
}

export async function startOutboxRig(stores: Stores = openSqliteStores(':memory:')) {
  const receiver = await SmtpReceiver.start();
  const transport = createSmtpTransport({
    url: receiver.url,
    from: 'auth-api <no-reply@example.com>',
  });
  const sealer = createMailSealer({ current: sealingKey(randomBytes(32)) });
  const clock = new FakeClock();
  const logs = new LogCapture();
  const logger = createLogger({ level: 'debug', destination: logs.stream });
  const metrics = createMetrics({ processMetrics: false });
  const audit = createAuditLog(logger, metrics);
  const mailQueue = createMailQueue({ outbox: stores.mailOutbox, sealer, clock });
  const { config } = loadConfig({ NODE_ENV: 'test', ...TEST_SECRETS });
  const composer = createLinkMailComposer({ config, stores, clock });
  const aDayFromNow = () => new Date(clock.now() + 86_400_000);
  const workers: OutboxWorker[] = [];
  onTestFinished(async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
    await transport.close();
    await receiver.stop();
    await stores.close();
  });
  const rig: OutboxRig = {
    stores,
    receiver,
    transport,
    sealer,
    clock,
    logs,
    metrics,
    config,
    queue: (message, notAfter = aDayFromNow()) => mailQueue.queue(message, notAfter),
    queueRequest: (request, notAfter = aDayFromNow()) => mailQueue.queueRequest(request, notAfter),
    worker(options = {}) {
      const worker = createOutboxWorker({
        outbox: stores.mailOutbox,
        transport,
        composer,
        sealer,
        clock,
        logger,
        audit,
        metrics,
        retryDelayMs: RETRY_DELAY_MS,
        ...options,
      });
      workers.push(worker);
      return worker;
    },
  };
  return rig;
}

/** A metric's value for these labels (undefined when that series does not exist). */
export async function metricValue(
  registry: Registry,
  name: string,
  labels: Record<string, string> = {},
): Promise<number | undefined> {
  const metric = await registry.getSingleMetric(name)?.get();
  return metric?.values.find((value) =>
    Object.entries(labels).every(([key, wanted]) => value.labels[key] === wanted),
  )?.value;
}

export const resetMail = (to = 'alice@example.com'): MailMessage => ({
  kind: 'password_reset',
  to,
  subject: 'Reset your password',
  text: 'Open https://app.example.com/reset-password#token=rst_S3cr3tT0k3nS3cr3tT0k3n to continue.',
});
