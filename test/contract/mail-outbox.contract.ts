// The mail outbox port's contract (src/storage/ports/mail-outbox.ts), run against every adapter by
// stores-contract.ts: leases (due, oldest first, exclusive, retaken once run out), outcomes recorded only by the
// lease that holds, bodies wiped once sent or dead (a mail request's too), the pending count and the bounded sweep,
// and the races.
import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  MAIL_ERROR_MAX_LENGTH,
  type LeasedMail,
  type MailOutbox,
  type NewOutboxMail,
  type OutboxMail,
} from '../../src/storage/ports/mail-outbox.js';
import { DAY, HOUR, at, type ContractHelpers } from './fixtures.js';

const MINUTE = 60_000;

function newMail(overrides: Partial<NewOutboxMail> = {}): NewOutboxMail {
  return {
    id: randomUUID(),
    kind: 'password_reset',
    // Opaque to the store: any string the sealing produced.
    sealed: `v1.${randomBytes(48).toString('base64url')}`,
    createdAt: at(0),
    notAfter: at(HOUR),
    ...overrides,
  };
}

/** How a mail reads back while nothing has been attempted. */
const pending = (mail: NewOutboxMail): OutboxMail => ({
  ...mail,
  state: 'pending',
  attempts: 0,
  nextAttemptAt: mail.createdAt,
  sentAt: null,
  lastError: null,
});

const idsOf = (leased: LeasedMail[]) => leased.map(({ mail }) => mail.id);

/** Leases the one due mail at `now`, failing the arrangement if there is not exactly one. */
async function leaseOne(outbox: MailOutbox, now: Date, leaseMs = MINUTE): Promise<LeasedMail> {
  const leased = await outbox.leaseDueMails(now, leaseMs, 10);
  if (leased.length !== 1 || !leased[0]) throw new Error(`arrange: leased ${leased.length} mails`);
  return leased[0];
}

export function describeMailOutboxContract({ freshStores }: ContractHelpers): void {
  describe('mail outbox', () => {
    it('when a mail is enqueued, then it is due at once and leased once, with its body', async () => {
      const { mailOutbox } = await freshStores();
      const mail = newMail();
      await mailOutbox.enqueueMail(mail);

      const leased = await mailOutbox.leaseDueMails(at(0), MINUTE, 10);

      expect(leased).toEqual([{ mail: pending(mail), lease: expect.any(String) as string }]);
      expect(await mailOutbox.leaseDueMails(at(MINUTE - 1), MINUTE, 10)).toEqual([]);
      expect(await mailOutbox.findMail(mail.id)).toEqual(pending(mail));
      expect(await mailOutbox.findMail(randomUUID())).toBeUndefined();
    });

    it('when a mail request is enqueued, then it is leased and recorded handed on like any mail, its kind kept', async () => {
      const { mailOutbox } = await freshStores();
      const request = newMail({ kind: 'mail_request' });
      await mailOutbox.enqueueMail(request);

      const { mail, lease } = await leaseOne(mailOutbox, at(0));
      const handedOn = await mailOutbox.markMailSent(request.id, lease, at(1000));

      expect(mail).toEqual(pending(request));
      expect(handedOn).toBe(true);
      expect(await mailOutbox.findMail(request.id)).toMatchObject({
        kind: 'mail_request',
        state: 'sent',
        sealed: null,
        attempts: 1,
      });
    });

    it('when a mail was queued after `now`, then it is not leased before its time', async () => {
      const { mailOutbox } = await freshStores();
      const mail = newMail({ createdAt: at(HOUR) });
      await mailOutbox.enqueueMail(mail);

      expect(await mailOutbox.leaseDueMails(at(HOUR - 1), MINUTE, 10)).toEqual([]);
      expect(idsOf(await mailOutbox.leaseDueMails(at(HOUR), MINUTE, 10))).toEqual([mail.id]);
    });

    it('when several mails are due, then the oldest are leased first, at most `limit` per call', async () => {
      const { mailOutbox } = await freshStores();
      const mails = [3, 0, 4, 1, 2].map((minute) => newMail({ createdAt: at(minute * MINUTE) }));
      for (const mail of mails) await mailOutbox.enqueueMail(mail);
      const byAge = [...mails].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
      const now = at(HOUR);

      expect(idsOf(await mailOutbox.leaseDueMails(now, MINUTE, 3))).toEqual(
        byAge.slice(0, 3).map(({ id }) => id),
      );
      expect(idsOf(await mailOutbox.leaseDueMails(now, MINUTE, 3))).toEqual(
        byAge.slice(3).map(({ id }) => id),
      );
      expect(await mailOutbox.leaseDueMails(now, MINUTE, 3)).toEqual([]);
    });

    it('when a mail is marked sent, then its body is wiped, its attempt counted, and it is never leased again', async () => {
      const { mailOutbox } = await freshStores();
      const mail = newMail();
      await mailOutbox.enqueueMail(mail);
      const { lease } = await leaseOne(mailOutbox, at(0));

      expect(await mailOutbox.markMailSent(mail.id, lease, at(1000))).toBe(true);

      expect(await mailOutbox.findMail(mail.id)).toEqual({
        ...pending(mail),
        sealed: null,
        state: 'sent',
        attempts: 1,
        sentAt: at(1000),
      });
      expect(await mailOutbox.leaseDueMails(at(DAY), MINUTE, 10)).toEqual([]);
      expect(await mailOutbox.markMailSent(mail.id, lease, at(2000))).toBe(false);
      expect(
        await mailOutbox.markMailFailed(mail.id, lease, { error: 'late', retryAt: null }, at(2000)),
      ).toBe(false);
      expect((await mailOutbox.findMail(mail.id))?.sentAt).toEqual(at(1000));
    });

    it('when an attempt fails with a retry time, then the mail is pending again from then, with attempts + 1 and the error', async () => {
      const { mailOutbox } = await freshStores();
      const mail = newMail();
      await mailOutbox.enqueueMail(mail);
      const first = await leaseOne(mailOutbox, at(0));
      const failure = { error: '421 4.7.0 try again later', retryAt: at(30_000) };

      expect(await mailOutbox.markMailFailed(mail.id, first.lease, failure, at(1000))).toBe(true);

      const retrying = {
        ...pending(mail),
        attempts: 1,
        nextAttemptAt: at(30_000),
        lastError: failure.error,
      };
      expect(await mailOutbox.findMail(mail.id)).toEqual(retrying);
      expect(await mailOutbox.leaseDueMails(at(29_999), MINUTE, 10)).toEqual([]);
      const second = await leaseOne(mailOutbox, at(30_000));
      expect(second.mail).toEqual(retrying);
      expect(second.lease).not.toBe(first.lease);
      // The first lease recorded its attempt: it records nothing more.
      expect(await mailOutbox.markMailSent(mail.id, first.lease, at(30_001))).toBe(false);
      expect(await mailOutbox.markMailSent(mail.id, second.lease, at(30_001))).toBe(true);
      expect(await mailOutbox.findMail(mail.id)).toMatchObject({
        state: 'sent',
        attempts: 2,
        sealed: null,
        lastError: failure.error,
      });
    });

    it('when an attempt fails with no retry time, then the mail is dead, its body wiped, never leased again', async () => {
      const { mailOutbox } = await freshStores();
      const mail = newMail();
      await mailOutbox.enqueueMail(mail);
      const { lease } = await leaseOne(mailOutbox, at(0));
      const error = `550 5.1.1 mailbox unavailable ${'x'.repeat(2 * MAIL_ERROR_MAX_LENGTH)}`;

      expect(
        await mailOutbox.markMailFailed(mail.id, lease, { error, retryAt: null }, at(1000)),
      ).toBe(true);

      expect(await mailOutbox.findMail(mail.id)).toEqual({
        ...pending(mail),
        sealed: null,
        state: 'dead',
        attempts: 1,
        lastError: error.slice(0, MAIL_ERROR_MAX_LENGTH),
      });
      expect(await mailOutbox.leaseDueMails(at(DAY), MINUTE, 10)).toEqual([]);
      expect(await mailOutbox.markMailSent(mail.id, lease, at(2000))).toBe(false);
    });

    it('when a lease ran out and another call took the mail, then the first holder records nothing', async () => {
      const { mailOutbox } = await freshStores();
      const mail = newMail();
      await mailOutbox.enqueueMail(mail);
      const lost = await leaseOne(mailOutbox, at(0), MINUTE);
      const taken = await leaseOne(mailOutbox, at(MINUTE), MINUTE);
      expect(taken.mail).toEqual(pending(mail));
      expect(taken.lease).not.toBe(lost.lease);

      expect(await mailOutbox.markMailSent(mail.id, lost.lease, at(MINUTE + 1))).toBe(false);
      expect(
        await mailOutbox.markMailFailed(
          mail.id,
          lost.lease,
          { error: 'timeout', retryAt: at(HOUR) },
          at(MINUTE + 1),
        ),
      ).toBe(false);
      expect(
        await mailOutbox.markMailFailed(
          mail.id,
          lost.lease,
          { error: 'timeout', retryAt: null },
          at(MINUTE + 1),
        ),
      ).toBe(false);

      expect(await mailOutbox.findMail(mail.id)).toEqual(pending(mail));
      expect(await mailOutbox.markMailSent(mail.id, taken.lease, at(MINUTE + 2))).toBe(true);
    });

    it('when a lease ran out but nobody took the mail, then its holder still records the attempt', async () => {
      const { mailOutbox } = await freshStores();
      const mail = newMail();
      await mailOutbox.enqueueMail(mail);
      const { lease } = await leaseOne(mailOutbox, at(0), MINUTE);

      expect(await mailOutbox.markMailSent(mail.id, lease, at(5 * MINUTE))).toBe(true);

      expect(await mailOutbox.findMail(mail.id)).toMatchObject({ state: 'sent', attempts: 1 });
    });

    it('when a lease is presented for another mail, or made up, then it records nothing', async () => {
      const { mailOutbox } = await freshStores();
      const mail = newMail();
      const other = newMail({ createdAt: at(1) });
      await mailOutbox.enqueueMail(mail);
      await mailOutbox.enqueueMail(other);
      const leased = await mailOutbox.leaseDueMails(at(MINUTE), MINUTE, 10);
      const leaseOf = (id: string) => leased.find(({ mail: { id: leasedId } }) => leasedId === id);
      const mailLease = leaseOf(mail.id)?.lease ?? '';

      expect(await mailOutbox.markMailSent(other.id, mailLease, at(MINUTE))).toBe(false);
      expect(await mailOutbox.markMailSent(mail.id, `${mailLease}x`, at(MINUTE))).toBe(false);
      expect(await mailOutbox.markMailSent(randomUUID(), mailLease, at(MINUTE))).toBe(false);

      expect(await mailOutbox.findMail(mail.id)).toEqual(pending(mail));
      expect(await mailOutbox.findMail(other.id)).toEqual(pending(other));
    });

    it('when mails are pending, sent and dead, then pendingMails counts the pending (leased or not) and names the oldest', async () => {
      const { mailOutbox } = await freshStores();
      expect(await mailOutbox.pendingMails()).toEqual({ count: 0, oldestCreatedAt: undefined });
      const [sent, dead, leasedOnly, waiting] = [0, 1, 2, 3].map((minute) =>
        newMail({ createdAt: at(minute * MINUTE) }),
      ) as [NewOutboxMail, NewOutboxMail, NewOutboxMail, NewOutboxMail];
      for (const mail of [sent, dead, leasedOnly]) await mailOutbox.enqueueMail(mail);
      const leased = await mailOutbox.leaseDueMails(at(HOUR), MINUTE, 10);
      const leaseOf = (id: string) => leased.find(({ mail }) => mail.id === id)?.lease ?? '';
      await mailOutbox.markMailSent(sent.id, leaseOf(sent.id), at(HOUR));
      await mailOutbox.markMailFailed(
        dead.id,
        leaseOf(dead.id),
        { error: 'refused', retryAt: null },
        at(HOUR),
      );
      await mailOutbox.enqueueMail(waiting);

      expect(await mailOutbox.pendingMails()).toEqual({
        count: 2,
        oldestCreatedAt: leasedOnly.createdAt,
      });
    });

    it('when finished mails are swept, then at most `limit` go per call, and pending or newer mails stay', async () => {
      const { mailOutbox } = await freshStores();
      const finished = [0, 1, 2].map((minute) => newMail({ createdAt: at(minute * MINUTE) }));
      const oldPending = newMail({ createdAt: at(3 * MINUTE) });
      const retrying = newMail({ createdAt: at(4 * MINUTE) });
      for (const mail of [...finished, oldPending, retrying]) await mailOutbox.enqueueMail(mail);
      const leased = await mailOutbox.leaseDueMails(at(5 * MINUTE), MINUTE, 10);
      const leaseOf = (id: string) => leased.find(({ mail }) => mail.id === id)?.lease ?? '';
      for (const [index, mail] of finished.entries()) {
        if (index === 1) {
          await mailOutbox.markMailFailed(
            mail.id,
            leaseOf(mail.id),
            { error: 'refused', retryAt: null },
            at(5 * MINUTE),
          );
        } else await mailOutbox.markMailSent(mail.id, leaseOf(mail.id), at(5 * MINUTE));
      }
      await mailOutbox.markMailFailed(
        retrying.id,
        leaseOf(retrying.id),
        { error: 'busy', retryAt: at(HOUR) },
        at(5 * MINUTE),
      );
      const before = at(10 * MINUTE);
      const newer = newMail({ createdAt: before });
      await mailOutbox.enqueueMail(newer);
      const leasedLater = await mailOutbox.leaseDueMails(before, MINUTE, 10);
      const newerLease = leasedLater.find(({ mail }) => mail.id === newer.id)?.lease ?? '';
      expect(await mailOutbox.markMailSent(newer.id, newerLease, before)).toBe(true);

      expect(await mailOutbox.sweepFinishedMails(before, 2)).toBe(2);
      expect(await mailOutbox.sweepFinishedMails(before, 2)).toBe(1);
      expect(await mailOutbox.sweepFinishedMails(before, 2)).toBe(0);

      for (const mail of finished) expect(await mailOutbox.findMail(mail.id)).toBeUndefined();
      expect(await mailOutbox.findMail(oldPending.id)).toEqual(pending(oldPending));
      expect(await mailOutbox.findMail(retrying.id)).toMatchObject({
        state: 'pending',
        attempts: 1,
      });
      expect(await mailOutbox.findMail(newer.id)).toMatchObject({ state: 'sent' });
      expect(await mailOutbox.pendingMails()).toEqual({
        count: 2,
        oldestCreatedAt: oldPending.createdAt,
      });
      expect(idsOf(await mailOutbox.leaseDueMails(at(2 * DAY), MINUTE, 10))).toEqual([
        oldPending.id,
        retrying.id,
      ]);
    });

    it('when ten workers lease 30 due mails at once, then every mail is leased exactly once', async () => {
      const { mailOutbox } = await freshStores();
      const mails = Array.from({ length: 30 }, (_, index) => newMail({ createdAt: at(index) }));
      for (const mail of mails) await mailOutbox.enqueueMail(mail);

      const results = await Promise.all(
        Array.from({ length: 10 }, () => mailOutbox.leaseDueMails(at(MINUTE), MINUTE, 5)),
      );

      const leasedIds = results.flatMap(idsOf);
      expect(new Set(leasedIds).size).toBe(leasedIds.length);
      expect([...leasedIds].sort()).toEqual(mails.map(({ id }) => id).sort());
      expect(await mailOutbox.leaseDueMails(at(MINUTE), MINUTE, 50)).toEqual([]);
    });

    it('when one lease records its attempt five times at once, then exactly one records and the mail is sent once', async () => {
      const { mailOutbox } = await freshStores();
      const mail = newMail();
      await mailOutbox.enqueueMail(mail);
      const { lease } = await leaseOne(mailOutbox, at(0));

      const results = await Promise.all(
        Array.from({ length: 5 }, () => mailOutbox.markMailSent(mail.id, lease, at(1000))),
      );

      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await mailOutbox.findMail(mail.id)).toEqual({
        ...pending(mail),
        sealed: null,
        state: 'sent',
        attempts: 1,
        sentAt: at(1000),
      });
    });

    it('when one lease records sent and failed at once, then exactly one records and the mail is as that one left it', async () => {
      const { mailOutbox } = await freshStores();
      const mail = newMail();
      await mailOutbox.enqueueMail(mail);
      const { lease } = await leaseOne(mailOutbox, at(0));
      const failure = { error: 'connection reset', retryAt: at(HOUR) };

      const [sent, failed] = await Promise.all([
        mailOutbox.markMailSent(mail.id, lease, at(1000)),
        mailOutbox.markMailFailed(mail.id, lease, failure, at(1000)),
      ]);

      expect([sent, failed].filter(Boolean)).toHaveLength(1);
      const stored = await mailOutbox.findMail(mail.id);
      if (sent) {
        expect(stored).toMatchObject({ state: 'sent', sealed: null, attempts: 1 });
      } else {
        expect(stored).toMatchObject({ state: 'pending', sealed: mail.sealed, attempts: 1 });
        expect(stored?.lastError).toBe(failure.error);
      }
      expect(await mailOutbox.leaseDueMails(at(2 * HOUR), MINUTE, 10)).toHaveLength(sent ? 0 : 1);
    });
  });
}
