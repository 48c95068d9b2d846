// The outbox worker with mail requests (real parts: SQLite outbox, sealer, recovery's composer, SMTP to an
// in-process receiver): one run turns a request into a sent mail, the request recorded handed on with its body wiped;
// a request with nothing to send is recorded alike, with one info line giving the reason; one that cannot be opened
// goes dead with an audit line like any mail; a composer that fails is retried like a failed send. Handing a request
// on is never counted as a sent mail.
import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { MailComposer } from '../../src/mail/mail-composer.js';
import { createMailSealer, sealingKey } from '../../src/mail/mail-sealer.js';
import {
  metricValue,
  RETRY_DELAY_MS,
  resetMail,
  startOutboxRig,
  type OutboxRig,
} from '../helpers/outbox-rig.js';

async function liveAccount(rig: OutboxRig, email: string): Promise<string> {
  const id = randomUUID();
  await rig.stores.users.createUser({
    id,
    email,
    name: 'Request Test',
    role: 'user',
    passwordHash: '$2b$04$notcomparedbyanythinghere0000000000000000000000000000',
    createdAt: new Date(rig.clock.now()),
  });
  return id;
}

const resetRequest = (email: string) => ({
  purpose: 'password_reset',
  email,
  cooledDown: false,
});

const handedOnLines = (rig: OutboxRig) =>
  rig.logs.lines.filter((line) => line.msg === 'mail request handed on');

const sentCount = (rig: OutboxRig, kind: string) =>
  metricValue(rig.metrics.registry, 'auth_mail_sent_total', { kind, result: 'sent' });

describe('mail requests in the outbox worker', () => {
  it('when a request for a reset link is due, then one run composes it and sends the mail, and the request is recorded handed on', async () => {
    const rig = await startOutboxRig();
    const userId = await liveAccount(rig, 'ada@example.com');
    const requestId = await rig.queueRequest(resetRequest('ada@example.com'));

    const run = await rig.worker().runOnce();

    expect(run).toEqual({ sent: 1, retried: 0, dead: 0 });
    const received = await rig.receiver.waitForMail();
    expect(received).toMatchObject({ to: ['ada@example.com'], subject: 'Reset your password' });
    expect(received.text).toMatch(
      new RegExp(`${rig.config.mail.appUrl}/reset-password#token=rst_[A-Za-z0-9_-]{43}`),
    );
    expect(await rig.stores.mailOutbox.findMail(requestId)).toMatchObject({
      kind: 'mail_request',
      state: 'sent',
      sealed: null,
      attempts: 1,
    });
    const [line] = handedOnLines(rig);
    expect(line).toMatchObject({
      level: 'info',
      mailId: requestId,
      purpose: 'password_reset',
      userId,
      outcome: 'composed',
      composedKind: 'password_reset',
    });
    expect(await rig.stores.mailOutbox.findMail(String(line?.composedMailId))).toMatchObject({
      kind: 'password_reset',
      state: 'sent',
      sealed: null,
    });
    expect(rig.logs.text).not.toMatch(/rst_[A-Za-z0-9_-]{43}/);
    expect(rig.logs.text).not.toContain('ada@example.com');
  });

  it('when requests are handed on, then auth_mail_sent_total counts the mails sent and never the requests', async () => {
    const rig = await startOutboxRig();
    await liveAccount(rig, 'ada@example.com');
    await rig.queueRequest(resetRequest('ada@example.com'));
    await rig.queueRequest(resetRequest('nobody@example.com'));

    await rig.worker().runOnce();

    expect(await sentCount(rig, 'password_reset')).toBe(1);
    for (const result of ['sent', 'retry', 'dead']) {
      expect(
        await metricValue(rig.metrics.registry, 'auth_mail_sent_total', {
          kind: 'mail_request',
          result,
        }),
      ).toBeUndefined();
    }
    expect(await metricValue(rig.metrics.registry, 'auth_mail_outbox_pending')).toBe(0);
  });

  it('when there is nothing to send, then the request is recorded handed on, an info line gives the reason, and no mail goes', async () => {
    const rig = await startOutboxRig();
    const requestId = await rig.queueRequest(resetRequest('nobody@example.com'));

    expect(await rig.worker().runOnce()).toEqual({ sent: 0, retried: 0, dead: 0 });

    expect(rig.receiver.mails).toEqual([]);
    expect(await rig.stores.mailOutbox.findMail(requestId)).toMatchObject({
      state: 'sent',
      sealed: null,
    });
    expect(handedOnLines(rig)).toEqual([
      expect.objectContaining({
        level: 'info',
        mailId: requestId,
        purpose: 'password_reset',
        outcome: 'nothing_to_send',
        reason: 'no_account',
      }),
    ]);
    expect(rig.logs.text).not.toContain('nobody@example.com');
  });

  it('when a request was sealed under a key no longer in the ring, then it goes dead (unknown_key) with an audit line, uncomposed', async () => {
    const rig = await startOutboxRig();
    await liveAccount(rig, 'ada@example.com');
    const requestId = await rig.queueRequest(resetRequest('ada@example.com'));
    const rotatedAway = createMailSealer({ current: sealingKey(randomBytes(32)) });

    expect(await rig.worker({ sealer: rotatedAway }).runOnce()).toEqual({
      sent: 0,
      retried: 0,
      dead: 1,
    });

    expect(rig.logs.events('mail.dead')).toEqual([
      expect.objectContaining({
        mailId: requestId,
        kind: 'mail_request',
        reason: 'unknown_key',
        attempts: 0,
      }),
    ]);
    expect(await rig.stores.mailOutbox.findMail(requestId)).toMatchObject({
      state: 'dead',
      sealed: null,
    });
    expect(handedOnLines(rig)).toEqual([]);
    expect(rig.receiver.mails).toEqual([]);
    // A request that will never be composed is a mail that will never go: counted dead under its own kind.
    expect(
      await metricValue(rig.metrics.registry, 'auth_mail_sent_total', {
        kind: 'mail_request',
        result: 'dead',
      }),
    ).toBe(1);
  });

  it.each([
    ['a request holding a mail', 'mail_request', 'mail'],
    ['a reset mail holding a request', 'password_reset', 'request'],
  ] as const)(
    'when %s is leased, then it goes dead as unreadable: a body is good only under its own kind',
    async (_, kind, holds) => {
      const rig = await startOutboxRig();
      await liveAccount(rig, 'ada@example.com');
      const id = randomUUID();
      const { to, subject, text } = resetMail('ada@example.com');
      const body =
        holds === 'mail' ? { to, subject, text } : { request: resetRequest('ada@example.com') };
      await rig.stores.mailOutbox.enqueueMail({
        id,
        kind,
        sealed: rig.sealer.seal(body),
        createdAt: new Date(rig.clock.now()),
        notAfter: new Date(rig.clock.now() + 60_000),
      });

      expect(await rig.worker().runOnce()).toEqual({ sent: 0, retried: 0, dead: 1 });

      expect(rig.logs.events('mail.dead')).toEqual([
        expect.objectContaining({ mailId: id, kind, reason: 'unreadable' }),
      ]);
      expect(rig.receiver.mails).toEqual([]);
    },
  );

  it('when the composer fails (its store does not answer), then the request is retried after MAIL_RETRY_DELAY and composed once it answers', async () => {
    const rig = await startOutboxRig();
    await liveAccount(rig, 'ada@example.com');
    const requestId = await rig.queueRequest(resetRequest('ada@example.com'));
    const failing: MailComposer = {
      compose: () => Promise.reject(Object.assign(new Error('no answer'), { code: 'SQLITE_BUSY' })),
    };

    expect(await rig.worker({ composer: failing }).runOnce()).toEqual({
      sent: 0,
      retried: 1,
      dead: 0,
    });
    expect(await rig.stores.mailOutbox.findMail(requestId)).toMatchObject({
      state: 'pending',
      attempts: 1,
      lastError: 'SQLITE_BUSY',
      nextAttemptAt: new Date(rig.clock.now() + RETRY_DELAY_MS),
    });
    expect(rig.logs.lines).toContainEqual(
      expect.objectContaining({
        msg: 'mail request not handed on; it will be retried',
        mailId: requestId,
      }),
    );

    rig.clock.advance('30s');
    expect(await rig.worker().runOnce()).toEqual({ sent: 1, retried: 0, dead: 0 });
    expect((await rig.receiver.waitForMail()).subject).toBe('Reset your password');
    expect(
      await metricValue(rig.metrics.registry, 'auth_mail_sent_total', {
        kind: 'mail_request',
        result: 'retry',
      }),
    ).toBeUndefined();
  });

  it('when a request waits past its link lifetime, then it goes dead (expired) uncomposed', async () => {
    const rig = await startOutboxRig();
    await liveAccount(rig, 'ada@example.com');
    const requestId = await rig.queueRequest(
      resetRequest('ada@example.com'),
      new Date(rig.clock.now() + 30 * 60_000),
    );

    rig.clock.advance('30m');

    expect(await rig.worker().runOnce()).toEqual({ sent: 0, retried: 0, dead: 1 });
    expect(rig.logs.events('mail.dead')).toEqual([
      expect.objectContaining({ mailId: requestId, kind: 'mail_request', reason: 'expired' }),
    ]);
    expect(handedOnLines(rig)).toEqual([]);
  });
});
