// How a feature sends mail: seal the rendered message and put it in the outbox, in the request. Nothing here waits
// for a mail server; the outbox worker delivers later, on its own timer.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { MailOutbox } from '../storage/ports/mail-outbox.js';
import type { MailMessage } from './mail-message.js';
import type { MailSealer } from './mail-sealer.js';

export interface MailQueue {
  /**
   * Queues the mail; after `notAfter` (when the link inside expires) it goes dead rather than out late. Resolves to
   * the outbox id.
   */
  queue(message: MailMessage, notAfter: Date): Promise<string>;
}

export function createMailQueue(deps: {
  outbox: Pick<MailOutbox, 'enqueueMail'>;
  sealer: Pick<MailSealer, 'seal'>;
  clock: Clock;
}): MailQueue {
  const { outbox, sealer, clock } = deps;
  return {
    async queue({ kind, ...content }, notAfter) {
      const id = randomUUID();
      await outbox.enqueueMail({
        id,
        kind,
        sealed: sealer.seal(content),
        createdAt: new Date(clock.now()),
        notAfter,
      });
      return id;
    },
  };
}
