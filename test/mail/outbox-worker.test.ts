// The outbox worker with real parts (SQLite outbox, sealer, SMTP to an in-process receiver): what a feature queued
// arrives intact, the stored row keeps nothing of it once sent, the metrics count it, and stop() lets the send under
// way finish.
import { describe, expect, it } from 'vitest';
import type { MailMessage } from '../../src/mail/mail-message.js';
import type { MailTransport } from '../../src/mail/mail-transport.js';
import { metricValue, resetMail, startOutboxRig } from '../helpers/outbox-rig.js';

/** A promise and the function that settles it. */
function deferred() {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}

describe('the outbox worker', () => {
  it('when a queued mail is due, then a run sends it and the receiver gets recipient, subject and text intact', async () => {
    const rig = await startOutboxRig();
    const mail = resetMail();
    await rig.queue(mail);

    const run = await rig.worker().runOnce();

    expect(run).toEqual({ sent: 1, retried: 0, dead: 0 });
    const received = await rig.receiver.waitForMail();
    expect(received).toMatchObject({
      envelopeTo: ['alice@example.com'],
      to: ['alice@example.com'],
      subject: mail.subject,
    });
    expect(received.text.trim()).toBe(mail.text);
  });

  it('when a mail is queued, then the stored row holds none of its content, and once sent not even the sealed body', async () => {
    const rig = await startOutboxRig();
    const id = await rig.queue(resetMail());
    const queued = await rig.stores.mailOutbox.findMail(id);
    for (const plain of ['alice', 'Reset your password', 'rst_S3cr3t']) {
      expect(queued?.sealed).not.toContain(plain);
    }

    rig.clock.advance('5s');
    await rig.worker().runOnce();

    expect(await rig.stores.mailOutbox.findMail(id)).toMatchObject({
      state: 'sent',
      sealed: null,
      attempts: 1,
      sentAt: new Date(rig.clock.now()),
    });
  });

  it('when a run has sent a mail, then its log names the mail and kind, never the address, subject or link', async () => {
    const rig = await startOutboxRig();
    const id = await rig.queue(resetMail());

    await rig.worker().runOnce();

    expect(rig.logs.lines).toContainEqual(
      expect.objectContaining({ msg: 'mail sent', mailId: id, kind: 'password_reset' }),
    );
    for (const content of ['alice', 'Reset your password', 'rst_S3cr3t', 'reset-password']) {
      expect(rig.logs.text).not.toContain(content);
    }
  });

  it('when mails are sent, then auth_mail_sent_total counts them by kind and the pending gauge shows what is left', async () => {
    const rig = await startOutboxRig();
    await rig.queue(resetMail('a@example.com'));
    await rig.queue({ ...resetMail('b@example.com'), kind: 'email_verify' });
    await rig.queue(resetMail('c@example.com'));
    const worker = rig.worker({ batchSize: 2 });
    const sent = (kind: string) =>
      metricValue(rig.metrics.registry, 'auth_mail_sent_total', { kind, result: 'sent' });

    await worker.runOnce();

    expect(await sent('password_reset')).toBe(2);
    expect(await sent('email_verify')).toBe(1);
    expect(await metricValue(rig.metrics.registry, 'auth_mail_outbox_pending')).toBe(0);
  });

  it('when more than a batch is due, then one run drains them in rounds of a batch, at most 20 rounds, earliest due first', async () => {
    const rig = await startOutboxRig();
    const addresses = Array.from({ length: 45 }, (_, index) => `user${String(index)}@example.com`);
    for (const address of addresses) {
      await rig.queue(resetMail(address));
      rig.clock.advance('1s');
    }
    const worker = rig.worker({ batchSize: 2 });

    await worker.runOnce();

    expect(rig.receiver.mails.map((mail) => mail.to[0])).toEqual(addresses.slice(0, 40));
    expect(await metricValue(rig.metrics.registry, 'auth_mail_outbox_pending')).toBe(5);
    await worker.runOnce();
    expect(rig.receiver.mails).toHaveLength(45);
  });

  it('when the worker is built, then every kind’s sent, retry and dead series starts at 0', async () => {
    const rig = await startOutboxRig();

    rig.worker();

    for (const result of ['sent', 'retry', 'dead']) {
      expect(
        await metricValue(rig.metrics.registry, 'auth_mail_sent_total', {
          kind: 'refresh_reuse_notice',
          result,
        }),
      ).toBe(0);
    }
  });

  it('when nothing is due, then a run sends nothing', async () => {
    const rig = await startOutboxRig();

    expect(await rig.worker().runOnce()).toEqual({ sent: 0, retried: 0, dead: 0 });
    expect(rig.receiver.mails).toEqual([]);
  });

  it('when started, then queued mail goes out on the worker’s own timer', async () => {
    const rig = await startOutboxRig();
    await rig.queue(resetMail());

    rig.worker().start(20);

    expect((await rig.receiver.waitForMail()).subject).toBe('Reset your password');
  });

  it('when stopped during a send, then stop() waits for that send and the batch sends nothing more', async () => {
    const rig = await startOutboxRig();
    const first = await rig.queue(resetMail('first@example.com'));
    rig.clock.advance('1s');
    const second = await rig.queue(resetMail('second@example.com'));
    const started = deferred();
    const held = deferred();
    // The real transport, held at the first send until the test lets it go.
    const gated: MailTransport = {
      async send(message: MailMessage, options) {
        started.resolve();
        await held.promise;
        await rig.transport.send(message, options);
      },
      close: () => rig.transport.close(),
    };
    const worker = rig.worker({ transport: gated, batchSize: 2 });

    const run = worker.runOnce();
    await started.promise;
    let stoppedYet = false;
    const stopping = worker.stop().then(() => (stoppedYet = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(stoppedYet).toBe(false);
    held.resolve();
    await stopping;

    expect(await run).toEqual({ sent: 1, retried: 0, dead: 0 });
    expect((await rig.stores.mailOutbox.findMail(first))?.state).toBe('sent');
    expect((await rig.stores.mailOutbox.findMail(second))?.state).toBe('pending');
    expect(rig.receiver.mails.map((mail) => mail.envelopeTo)).toEqual([['first@example.com']]);
    expect(await worker.runOnce()).toEqual({ sent: 0, retried: 0, dead: 0 });
  });
});
