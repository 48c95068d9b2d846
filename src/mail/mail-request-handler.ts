// A leased mail request, handed on: the feature's composer turns it into a mail, which is queued as an outbox mail of
// its own, and the request is recorded handed on ('sent', its body wiped); or the composer finds nothing to send, and
// the request is recorded the same way. Either way one info line says what became of it, never to whom or with what
// link.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Logger } from '../observability/logger.js';
import type { LeasedMail, MailOutbox } from '../storage/ports/mail-outbox.js';
import type { MailComposer } from './mail-composer.js';
import type { MailRequest } from './mail-message.js';
import type { MailSealer } from './mail-sealer.js';

export type HandOnOutcome = 'composed' | 'nothing_to_send';

export interface MailRequestHandlerDeps {
  composer: MailComposer;
  outbox: Pick<MailOutbox, 'enqueueMail' | 'markMailSent'>;
  sealer: Pick<MailSealer, 'seal'>;
  clock: Clock;
  logger: Logger;
}

export function createMailRequestHandler(deps: MailRequestHandlerDeps) {
  const { composer, outbox, sealer, clock, logger } = deps;

  /** Records the request handed on; a lease that ran out meanwhile is only worth a warning (see below). */
  async function recordHandedOn({ mail, lease }: LeasedMail, fields: object): Promise<void> {
    if (await outbox.markMailSent(mail.id, lease, new Date(clock.now()))) return;
    logger.warn(
      fields,
      'mail request handed on after its outbox lease ran out; another worker may compose it again',
    );
  }

  return {
    /** Throws when the composer or the store fails: the caller records that as a failed attempt, to be retried. */
    async handOn(leased: LeasedMail, request: MailRequest['request']): Promise<HandOnOutcome> {
      const { mail } = leased;
      const composition = await composer.compose(request);
      const fields = { mailId: mail.id, kind: mail.kind, ...composition.log };
      if ('nothingToSend' in composition) {
        await recordHandedOn(leased, fields);
        const reason = composition.nothingToSend;
        logger.info({ ...fields, outcome: 'nothing_to_send', reason }, 'mail request handed on');
        return 'nothing_to_send';
      }
      const { kind, ...content } = composition.message;
      const composedMailId = randomUUID();
      await outbox.enqueueMail({
        id: composedMailId,
        kind,
        sealed: sealer.seal(content),
        // The request's place in line: leased before requests made after it, and the backlog's age still counts
        // from when the mail was asked for.
        createdAt: mail.createdAt,
        notAfter: composition.notAfter,
      });
      // A worker that dies here, before the request is recorded, leaves it pending: once its lease runs out it is
      // composed again, and the second link supersedes the first (whose mail still goes, with a link that no longer
      // works). The same when the lease ran out before this point and another worker took the request over.
      await recordHandedOn(leased, fields);
      logger.info(
        { ...fields, outcome: 'composed', composedMailId, composedKind: kind },
        'mail request handed on',
      );
      return 'composed';
    },
  };
}

export type MailRequestHandler = ReturnType<typeof createMailRequestHandler>;
