// An API test app whose mail really leaves: the outbox worker (with recovery's composer of link mails, as main.ts
// wires it) sends what the app queued over SMTP to an in-process receiver (smtp-server + mailparser), when the test
// says so (`deliver()`), so tests read links from received mail.
import type request from 'supertest';
import { expect, onTestFinished } from 'vitest';
import type { ErrorCode } from '../../src/errors/error-catalogue.js';
import { outboxSealer } from '../../src/mail/mail-sealer.js';
import { createAuditLog } from '../../src/observability/audit-log.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { createOutboxWorker } from '../../src/mail/outbox-worker.js';
import { createSmtpTransport } from '../../src/mail/smtp-transport.js';
import { createLinkMailComposer } from '../../src/recovery/link-mail-composer.js';
import { expectError } from './api-calls.js';
import { SmtpReceiver, type ReceivedMail } from './smtp-receiver.js';
import { buildTestApp, type TestApp, type TestAppOptions } from './test-app.js';

export interface RecoveryTestApp extends TestApp {
  receiver: SmtpReceiver;
  /**
   * Runs the outbox worker once: every link mail asked for is composed, and every mail due now is sent (or fails,
   * and waits for its retry).
   */
  deliver(): Promise<unknown>;
}

export async function buildRecoveryTestApp(options: TestAppOptions = {}): Promise<RecoveryTestApp> {
  const receiver = await SmtpReceiver.start();
  const testApp = buildTestApp(options);
  const transport = createSmtpTransport({ url: receiver.url, from: testApp.config.mail.from });
  const worker = createOutboxWorker({
    outbox: testApp.stores.mailOutbox,
    transport,
    composer: createLinkMailComposer({
      config: testApp.config,
      stores: testApp.stores,
      clock: testApp.clock,
    }),
    sealer: outboxSealer(testApp.config.mail.outboxKeys),
    clock: testApp.clock,
    logger: testApp.logger,
    audit: createAuditLog(testApp.logger, createMetrics({ processMetrics: false })),
    retryDelayMs: testApp.config.mail.retryDelayMs,
  });
  onTestFinished(async () => {
    await transport.close();
    await receiver.stop();
  });
  return { ...testApp, receiver, deliver: () => worker.runOnce() };
}

/** The token of the first link to `path` in a received mail (`${APP_URL}${path}#token=…`). */
export function tokenFromMail(mail: ReceivedMail, path: string): string {
  const match = new RegExp(`${path.replace('/', '\\/')}#token=([A-Za-z0-9_-]+)`).exec(mail.text);
  if (!match?.[1]) throw new Error(`no ${path} link in the mail: ${mail.text}`);
  return match[1];
}

/** Of `count` parallel uses of one link: exactly one succeeds (200), every other is refused with `code`. */
export async function expectExactlyOneUse(
  count: number,
  use: () => Promise<request.Response>,
  code: ErrorCode,
): Promise<void> {
  const answers = await Promise.all(Array.from({ length: count }, use));
  expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1);
  for (const answer of answers.filter((each) => each.status !== 200)) expectError(answer, code);
}
