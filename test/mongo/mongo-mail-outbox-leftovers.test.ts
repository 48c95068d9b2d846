// The Mongo mail outbox records an attempt in two steps (insert the next entry, delete the current one), with no
// transaction, so a holder can stop between them, or stall between its checks and its insert while others carry the
// mail on. These cases write, through another connection, the state such a holder leaves, which a race only reaches
// by luck, and check that the adapter's answers and the mail stay right: what is left over is removed (with any body
// it carries), and a record made too late is refused and taken back.
import { randomBytes, randomUUID } from 'node:crypto';
import mongoose, { type Connection } from 'mongoose';
import { afterAll, expect, it, onTestFinished } from 'vitest';
import { createLogger } from '../../src/observability/logger.js';
import { openMongoStores } from '../../src/storage/mongo/mongo-connection.js';
import type { MailEntryDocument } from '../../src/storage/mongo/mongo-documents.js';
import type { NewOutboxMail } from '../../src/storage/ports/mail-outbox.js';
import { DAY, HOUR, at } from '../contract/fixtures.js';
import { LogCapture } from '../helpers/log-capture.js';
import { findMongoTarget } from '../helpers/mongo-target.js';
import { describeWithService } from '../helpers/required-service.js';

const MINUTE = 60_000;
const logger = createLogger({ level: 'silent', destination: new LogCapture().stream });

const newMail = (): NewOutboxMail => ({
  id: randomUUID(),
  kind: 'email_verify',
  sealed: `v1.${randomBytes(32).toString('base64url')}`,
  createdAt: at(0),
  notAfter: at(DAY),
});

/** The entry a holder inserts when it records attempt `attempts` (here: sent). */
const sentEntry = (mail: NewOutboxMail, attempts: number): MailEntryDocument => ({
  _id: `${mail.id}:${attempts}`,
  mailId: mail.id,
  kind: mail.kind,
  sealed: null,
  createdAt: mail.createdAt,
  notAfter: mail.notAfter,
  state: 'sent',
  attempts,
  nextAttemptAt: mail.createdAt,
  sentAt: at(MINUTE),
  lastError: null,
});

describeWithService(
  'the Mongo mail outbox after a holder stopped half-way',
  await findMongoTarget(),
  (mongo) => {
    afterAll(() => mongo().stop());

    /** The adapter's stores, and another connection to the same database writing as a holder would. */
    async function storesAndRawEntries() {
      const uri = mongo().uriFor(`auth_outbox_${randomUUID().replaceAll('-', '')}`);
      const stores = await openMongoStores(
        {
          uri,
          poolSize: 4,
          serverSelectionTimeoutMs: 5000,
          socketTimeoutMs: 10_000,
          autoIndex: true,
        },
        logger,
      );
      const connection: Connection = await mongoose.createConnection(uri).asPromise();
      onTestFinished(async () => {
        await stores.close();
        await connection.dropDatabase();
        await connection.close();
      });
      const entries = connection.collection<MailEntryDocument>('mail_outbox');
      return { outbox: stores.mailOutbox, entries };
    }

    it('when a holder inserted the next entry but did not delete its own, then the next lease removes it, body and all', async () => {
      const { outbox, entries } = await storesAndRawEntries();
      const mail = newMail();
      await outbox.enqueueMail(mail);
      await outbox.leaseDueMails(at(0), MINUTE, 10);
      await entries.insertOne(sentEntry(mail, 1));

      expect(await outbox.leaseDueMails(at(2 * MINUTE), MINUTE, 10)).toEqual([]);

      expect(await entries.find({ mailId: mail.id }).toArray()).toEqual([sentEntry(mail, 1)]);
      expect(await outbox.findMail(mail.id)).toMatchObject({ state: 'sent', sealed: null });
      expect(await outbox.pendingMails()).toEqual({ count: 0, oldestCreatedAt: undefined });
    });

    it('when a mail was left half-recorded, then the sweep removes all of it as one finished mail', async () => {
      const { outbox, entries } = await storesAndRawEntries();
      const mail = newMail();
      await outbox.enqueueMail(mail);
      await entries.insertOne(sentEntry(mail, 1));

      expect(await outbox.sweepFinishedMails(at(HOUR), 10)).toBe(1);

      expect(await entries.countDocuments({ mailId: mail.id })).toBe(0);
      expect(await outbox.findMail(mail.id)).toBeUndefined();
    });

    it('when a holder stalled while others carried the mail on, then its late record is refused and taken back', async () => {
      const { outbox, entries } = await storesAndRawEntries();
      const mail = newMail();
      await outbox.enqueueMail(mail);
      const [held] = await outbox.leaseDueMails(at(0), MINUTE, 10);
      // Two attempts later the mail is sent; the first entry is still there as the stalled holder read it.
      await entries.insertOne(sentEntry(mail, 2));

      expect(await outbox.markMailSent(mail.id, held?.lease ?? '', at(HOUR))).toBe(false);

      expect(await entries.findOne({ _id: `${mail.id}:1` })).toBeNull();
      expect(await outbox.findMail(mail.id)).toMatchObject({ state: 'sent', attempts: 2 });
    });
  },
);
