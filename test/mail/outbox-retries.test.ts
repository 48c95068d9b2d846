// The outbox when mail cannot go out: a server that is down costs a fast failed attempt, retried after
// MAIL_RETRY_DELAY doubling, and the mail arrives once the server is back; after 6 failures, once its link has
// expired, when the server refuses the recipient for good, or when its body cannot be opened, it goes dead with an
// audit line and a count, and its body is wiped. Time moves on the fake clock only.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createMailQueue } from '../../src/mail/mail-queue.js';
import { createMailSealer, sealingKey } from '../../src/mail/mail-sealer.js';
import { metricValue, RETRY_DELAY_MS, resetMail, startOutboxRig } from '../helpers/outbox-rig.js';

const deadCount = (rig: Awaited<ReturnType<typeof startOutboxRig>>, kind = 'password_reset') =>
  metricValue(rig.metrics.registry, 'auth_mail_sent_total', { kind, result: 'dead' });

describe('outbox retries', () => {
  it('when the SMTP server is down, then each attempt is retried after 30 s, 60 s, 120 s…, and the mail arrives once it is back', async () => {
    const rig = await startOutboxRig();
    const id = await rig.queue(resetMail());
    const worker = rig.worker();
    await rig.receiver.stop();

    expect(await worker.runOnce()).toEqual({ sent: 0, retried: 1, dead: 0 });
    const afterFirst = await rig.stores.mailOutbox.findMail(id);
    expect(afterFirst).toMatchObject({
      state: 'pending',
      attempts: 1,
      lastError: 'ESOCKET ECONNREFUSED CONN',
      nextAttemptAt: new Date(rig.clock.now() + RETRY_DELAY_MS),
    });

    rig.clock.advance('29s');
    expect(await worker.runOnce()).toEqual({ sent: 0, retried: 0, dead: 0 });
    rig.clock.advance('1s');
    expect(await worker.runOnce()).toEqual({ sent: 0, retried: 1, dead: 0 });
    expect((await rig.stores.mailOutbox.findMail(id))?.nextAttemptAt).toEqual(
      new Date(rig.clock.now() + 2 * RETRY_DELAY_MS),
    );
    rig.clock.advance('60s');
    expect(await worker.runOnce()).toEqual({ sent: 0, retried: 1, dead: 0 });
    expect((await rig.stores.mailOutbox.findMail(id))?.nextAttemptAt).toEqual(
      new Date(rig.clock.now() + 4 * RETRY_DELAY_MS),
    );

    await rig.receiver.restart();
    rig.clock.advance('119s');
    expect(await worker.runOnce()).toEqual({ sent: 0, retried: 0, dead: 0 });
    rig.clock.advance('1s');
    expect(await worker.runOnce()).toEqual({ sent: 1, retried: 0, dead: 0 });

    expect(rig.receiver.mails).toHaveLength(1);
    expect(await rig.stores.mailOutbox.findMail(id)).toMatchObject({
      state: 'sent',
      attempts: 4,
      sealed: null,
    });
    expect(
      await metricValue(rig.metrics.registry, 'auth_mail_sent_total', {
        kind: 'password_reset',
        result: 'retry',
      }),
    ).toBe(3);
  });

  it('when the server answers 421 (busy), then the attempt is retried like a refused connection', async () => {
    const rig = await startOutboxRig();
    const id = await rig.queue(resetMail());
    rig.receiver.refuseConnections(421);

    expect(await rig.worker().runOnce()).toEqual({ sent: 0, retried: 1, dead: 0 });
    expect((await rig.stores.mailOutbox.findMail(id))?.lastError).toMatch(/421/);
  });

  it('when the 6th attempt fails, then the mail is dead: body wiped, one audit line without its content, one dead count', async () => {
    const rig = await startOutboxRig();
    const id = await rig.queue(resetMail());
    const worker = rig.worker();
    await rig.receiver.stop();

    const runs = [];
    for (const wait of ['0s', '30s', '60s', '120s', '240s', '480s']) {
      rig.clock.advance(wait);
      runs.push(await worker.runOnce());
    }

    expect(runs.map((run) => run.retried)).toEqual([1, 1, 1, 1, 1, 0]);
    expect(runs[5]).toEqual({ sent: 0, retried: 0, dead: 1 });
    expect(await rig.stores.mailOutbox.findMail(id)).toMatchObject({
      state: 'dead',
      attempts: 6,
      sealed: null,
    });
    expect(rig.logs.events('mail.dead')).toEqual([
      expect.objectContaining({
        mailId: id,
        kind: 'password_reset',
        reason: 'attempts_exhausted',
        attempts: 6,
        error: 'ESOCKET ECONNREFUSED CONN',
      }),
    ]);
    for (const content of ['alice', 'example.com', 'rst_S3cr3t']) {
      expect(JSON.stringify(rig.logs.events('mail.dead'))).not.toContain(content);
    }
    expect(await deadCount(rig)).toBe(1);
    rig.clock.advance('1d');
    await rig.receiver.restart();
    expect(await worker.runOnce()).toEqual({ sent: 0, retried: 0, dead: 0 });
    expect(rig.receiver.mails).toEqual([]);
  });

  it('when the link inside has expired before the mail could go, then it goes dead unsent, even with the server back', async () => {
    const rig = await startOutboxRig();
    const id = await rig.queue(resetMail(), new Date(rig.clock.now() + 30 * 60_000));
    const worker = rig.worker();
    await rig.receiver.stop();
    await worker.runOnce();

    await rig.receiver.restart();
    rig.clock.advance('30m');
    expect(await worker.runOnce()).toEqual({ sent: 0, retried: 0, dead: 1 });

    expect(rig.receiver.mails).toEqual([]);
    expect(await rig.stores.mailOutbox.findMail(id)).toMatchObject({ state: 'dead', sealed: null });
    expect(rig.logs.events('mail.dead')).toEqual([
      expect.objectContaining({ mailId: id, reason: 'expired', attempts: 1 }),
    ]);
    expect(await deadCount(rig)).toBe(1);
  });

  it('when the next retry would fall after the link expires, then it is due at the expiry and goes dead then', async () => {
    const rig = await startOutboxRig();
    const notAfter = new Date(rig.clock.now() + 20_000);
    const id = await rig.queue(resetMail(), notAfter);
    const worker = rig.worker();
    await rig.receiver.stop();

    await worker.runOnce();
    expect((await rig.stores.mailOutbox.findMail(id))?.nextAttemptAt).toEqual(notAfter);

    rig.clock.advance('20s');
    expect(await worker.runOnce()).toEqual({ sent: 0, retried: 0, dead: 1 });
  });

  it('when the server refuses the recipient for good (550), then the mail is dead at once, not retried', async () => {
    const rig = await startOutboxRig();
    const id = await rig.queue(resetMail());
    rig.receiver.refuseRecipients(550);

    expect(await rig.worker().runOnce()).toEqual({ sent: 0, retried: 0, dead: 1 });

    expect(rig.logs.events('mail.dead')).toEqual([
      expect.objectContaining({
        mailId: id,
        reason: 'recipient_refused',
        attempts: 1,
        error: 'EENVELOPE 550 RCPT TO',
      }),
    ]);
  });

  it('when the body was sealed under a key no longer in the ring, then the mail is dead unsent (unknown_key)', async () => {
    const rig = await startOutboxRig();
    const id = await rig.queue(resetMail());
    const rotatedAway = createMailSealer({ current: sealingKey(randomBytes(32)) });

    expect(await rig.worker({ sealer: rotatedAway }).runOnce()).toEqual({
      sent: 0,
      retried: 0,
      dead: 1,
    });

    expect(rig.receiver.mails).toEqual([]);
    expect(rig.logs.events('mail.dead')).toEqual([
      expect.objectContaining({ mailId: id, reason: 'unknown_key', attempts: 0 }),
    ]);
  });

  it('when OUTBOX_KEY has rotated and the old key is kept as previous, then mail queued before is still sent', async () => {
    const rig = await startOutboxRig();
    const oldKey = sealingKey(randomBytes(32));
    const beforeRotation = createMailQueue({
      outbox: rig.stores.mailOutbox,
      sealer: createMailSealer({ current: oldKey }),
      clock: rig.clock,
    });
    const id = await beforeRotation.queue(resetMail(), new Date(rig.clock.now() + 60_000));
    const rotated = createMailSealer({ current: sealingKey(randomBytes(32)), previous: [oldKey] });

    expect(await rig.worker({ sealer: rotated }).runOnce()).toEqual({
      sent: 1,
      retried: 0,
      dead: 0,
    });

    expect((await rig.stores.mailOutbox.findMail(id))?.state).toBe('sent');
    expect((await rig.receiver.waitForMail()).subject).toBe('Reset your password');
  });
});
