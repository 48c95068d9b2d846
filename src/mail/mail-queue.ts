// How a feature sends mail: seal the rendered message (or a request for one, composed later by the feature's composer
// in the worker) and put it in the outbox, in the request. Nothing here waits for a mail server; the outbox worker
// delivers later, on its own timer.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { MailKind, MailOutbox } from '../storage/ports/mail-outbox.js';
import type { MailMessage, MailRequest, SealedBody } from './mail-message.js';
import { outboxSealer, type MailSealer } from './mail-sealer.js';

export interface MailQueue {
  /**
   * Queues the mail; after `notAfter` (when the link inside expires) it goes dead rather than out late. Resolves to
   * the outbox id.
   */
  queue(message: MailMessage, notAfter: Date): Promise<string>;
  /**
   * Queues a request for a mail, which the worker hands to the composer (mail-composer.ts); after `notAfter` it goes
   * dead uncomposed. Resolves to the outbox id.
   */
  queueRequest(request: MailRequest['request'], notAfter: Date): Promise<string>;
}

export function createMailQueue(deps: {
  outbox: Pick<MailOutbox, 'enqueueMail'>;
  sealer: Pick<MailSealer, 'seal'>;
  clock: Clock;
}): MailQueue {
  const { outbox, sealer, clock } = deps;
  async function enqueue(kind: MailKind, body: SealedBody, notAfter: Date): Promise<string> {
    const id = randomUUID();
    const createdAt = new Date(clock.now());
    await outbox.enqueueMail({ id, kind, sealed: sealer.seal(body), createdAt, notAfter });
    return id;
  }
  return {
    queue: ({ kind, ...content }, notAfter) => enqueue(kind, content, notAfter),
    queueRequest: (request, notAfter) => enqueue('mail_request', { request }, notAfter),
  };
}

/** The queue every feature uses: sealed with OUTBOX_KEY (and opening what OUTBOX_KEY_PREVIOUS sealed), into `outbox`. */
export function outboxMailQueue(
  outboxKeys: Parameters<typeof outboxSealer>[0],
  outbox: Pick<MailOutbox, 'enqueueMail'>,
  clock: Clock,
): MailQueue {
  return createMailQueue({ outbox, sealer: outboxSealer(outboxKeys), clock });
}
