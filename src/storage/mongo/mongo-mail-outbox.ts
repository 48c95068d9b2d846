// The mail outbox port on MongoDB through Mongoose, with no update at all: FerretDB 1.24 can lose one of two
// concurrent updates of a document (mongo-documents.ts), and a lost "leased to me" or "sent" would send a mail twice
// or never. So a lease is an insert under a key every racer computes alike (the mail entry and the generation after
// the newest lease it read): of concurrent leases of one mail, one insert succeeds. Recording an attempt is an insert
// too, of the mail's next entry, so of two holders recording one attempt (a lease that ran out and the one that took
// over, or one holder calling twice) exactly one succeeds, and the entry it replaces is then deleted. Between holders
// nothing is ever overwritten, because nothing is written in place.
import type { LeasedMail, MailOutbox, OutboxMail } from '../ports/mail-outbox.js';
import { MAIL_ERROR_MAX_LENGTH } from '../ports/mail-outbox.js';
import {
  mailEntryKey,
  mailLeaseKey,
  toOutboxMail,
  type MailEntryDocument,
  type MailLeaseDocument,
} from './mongo-documents.js';
import { isDuplicateKey } from './mongo-errors.js';
import type { MongoModels } from './mongo-models.js';
import * as query from './mongo-queries.js';

type EntryKey = Pick<MailEntryDocument, '_id' | 'mailId' | 'attempts' | 'state'>;

interface Claim {
  entry: MailEntryDocument;
  lease: MailLeaseDocument;
}

/** The entry that follows `entry` once an attempt is recorded: one attempt more, under the next key. */
function nextEntry(
  entry: MailEntryDocument,
  change: Partial<MailEntryDocument>,
): MailEntryDocument {
  const attempts = entry.attempts + 1;
  return { ...entry, _id: mailEntryKey(entry.mailId, attempts), attempts, ...change };
}

/** Whether a newer entry of the same mail than `entry` is among `entries`: then `entry` is left over. */
const isSuperseded = (entry: EntryKey, entries: EntryKey[]) =>
  entries.some(({ mailId, attempts }) => mailId === entry.mailId && attempts > entry.attempts);

export function createMongoMailOutbox(models: MongoModels): MailOutbox {
  const { mailEntries, mailLeases } = models;

  const entriesOf = (mailIds: string[]) =>
    mailEntries
      .find(query.mailIdIn(mailIds), { _id: 1, mailId: 1, attempts: 1, state: 1 })
      .lean<EntryKey[]>();

  /** Inserts `document` under its unique `_id`; false when that key is taken. */
  async function insertOnce(
    model: typeof mailEntries | typeof mailLeases,
    document: object,
  ): Promise<boolean> {
    try {
      await model.create(document);
      return true;
    } catch (error) {
      if (isDuplicateKey(error, '_id')) return false;
      throw error;
    }
  }

  /** The next lease of each candidate that no lease holds at `now`: the generation after its newest one. */
  async function nextLeases(candidates: MailEntryDocument[], now: Date, leaseMs: number) {
    const held = await mailLeases
      .find(query.mailIdIn(candidates.map(({ mailId }) => mailId)))
      .lean<MailLeaseDocument[]>();
    const claims: Claim[] = [];
    for (const entry of candidates) {
      const newest = held
        .filter(({ mailId, attempts }) => mailId === entry.mailId && attempts === entry.attempts)
        .reduce<MailLeaseDocument | undefined>(
          (latest, lease) => (latest && latest.generation > lease.generation ? latest : lease),
          undefined,
        );
      if (newest && newest.leaseUntil > now) continue;
      const generation = newest ? newest.generation + 1 : 0;
      claims.push({
        entry,
        lease: {
          _id: mailLeaseKey(entry.mailId, entry.attempts, generation),
          mailId: entry.mailId,
          attempts: entry.attempts,
          generation,
          leaseUntil: new Date(now.getTime() + leaseMs),
          takenAt: now,
        },
      });
    }
    return claims;
  }

  /**
   * Leases what it can of `candidates`, in their order. A won lease whose entry turns out to be left over (its
   * mail has moved on: a holder stopped between inserting the next entry and deleting this one) is not returned,
   * and the entry, with the body it may carry, is deleted.
   */
  async function leaseCandidates(
    candidates: MailEntryDocument[],
    now: Date,
    leaseMs: number,
  ): Promise<LeasedMail[]> {
    if (candidates.length === 0) return [];
    const claims = await nextLeases(candidates, now, leaseMs);
    const inserted = await Promise.all(claims.map(({ lease }) => insertOnce(mailLeases, lease)));
    const won = claims.filter((_, index) => inserted[index]);
    if (won.length === 0) return [];
    const entries = await entriesOf(won.map(({ entry }) => entry.mailId));
    const leftOver = won.filter(({ entry }) => isSuperseded(entry, entries));
    if (leftOver.length > 0) {
      await mailEntries.deleteMany(query.idIn(leftOver.map(({ entry }) => entry._id)));
    }
    return won
      .filter((claim) => !leftOver.includes(claim))
      .map(({ entry, lease }) => ({ mail: toOutboxMail(entry), lease: lease._id }));
  }

  /**
   * Records the attempt made under `leaseId`: inserts the entry `change` makes of the current one, then deletes the
   * current one. False when the lease is unknown, names another mail, was taken over (its next generation exists),
   * or its attempt is already recorded (the next entry exists: one insert wins).
   */
  async function recordAttempt(
    mailId: string,
    leaseId: string,
    change: (entry: MailEntryDocument) => Partial<MailEntryDocument>,
  ): Promise<boolean> {
    const lease = await mailLeases.findOne(query.byId(leaseId)).lean<MailLeaseDocument>();
    if (!lease || lease.mailId !== mailId) return false;
    const [takenOver, entry] = await Promise.all([
      mailLeases.exists(query.byId(mailLeaseKey(mailId, lease.attempts, lease.generation + 1))),
      mailEntries
        .findOne(query.byId(mailEntryKey(mailId, lease.attempts)))
        .lean<MailEntryDocument>(),
    ]);
    if (takenOver !== null || !entry || entry.state !== 'pending') return false;
    const next = nextEntry(entry, change(entry));
    if (!(await insertOnce(mailEntries, next))) return false;
    // A holder that stalled through whole attempts finds its key free again (the entry it would have followed is long
    // gone) but a newer entry there: its record is one of the past, and is taken back.
    if (isSuperseded(next, await entriesOf([mailId]))) {
      await mailEntries.deleteOne(query.byId(next._id));
      return false;
    }
    await mailEntries.deleteOne(query.byId(entry._id));
    return true;
  }

  return {
    async enqueueMail(mail) {
      const entry: MailEntryDocument = {
        _id: mailEntryKey(mail.id, 0),
        mailId: mail.id,
        kind: mail.kind,
        sealed: mail.sealed,
        createdAt: mail.createdAt,
        notAfter: mail.notAfter,
        state: 'pending',
        attempts: 0,
        nextAttemptAt: mail.createdAt,
        sentAt: null,
        lastError: null,
      };
      await mailEntries.create(entry);
    },

    async leaseDueMails(now, leaseMs, limit) {
      const leased: LeasedMail[] = [];
      // Page past the due mails others hold (at most their limits' worth), until `limit` are leased or none is left.
      let examined = 0;
      while (leased.length < limit) {
        const wanted = limit - leased.length;
        const candidates = await mailEntries
          .find(query.dueMailEntries(now))
          .sort(query.earliestDueFirst)
          .skip(examined)
          .limit(wanted)
          .lean<MailEntryDocument[]>();
        examined += candidates.length;
        leased.push(...(await leaseCandidates(candidates, now, leaseMs)));
        if (candidates.length < wanted) break;
      }
      return leased;
    },

    markMailSent(id, lease, now) {
      return recordAttempt(id, lease, () => ({ state: 'sent', sealed: null, sentAt: now }));
    },

    markMailFailed(id, lease, { error, retryAt }) {
      const lastError = error.slice(0, MAIL_ERROR_MAX_LENGTH);
      return recordAttempt(id, lease, () =>
        retryAt === null
          ? { state: 'dead', sealed: null, lastError }
          : { nextAttemptAt: retryAt, lastError },
      );
    },

    async findMail(id) {
      const entries = await mailEntries.find(query.mailIdIn([id])).lean<MailEntryDocument[]>();
      const newest = entries.reduce<MailEntryDocument | undefined>(
        (latest, entry) => (latest && latest.attempts > entry.attempts ? latest : entry),
        undefined,
      );
      return newest && toOutboxMail(newest);
    },

    async pendingMails() {
      const [count, oldest] = await Promise.all([
        mailEntries.countDocuments(query.pendingMailEntries()),
        mailEntries
          .findOne(query.pendingMailEntries(), { createdAt: 1 })
          .sort(query.oldestFirst)
          .lean<Pick<OutboxMail, 'createdAt'>>(),
      ]);
      return { count, oldestCreatedAt: oldest?.createdAt };
    },

    async sweepFinishedMails(before, limit) {
      const finished = await mailEntries
        .find(query.finishedMailEntriesBefore(before), { _id: 1, mailId: 1, attempts: 1, state: 1 })
        .limit(limit)
        .lean<EntryKey[]>();
      if (finished.length === 0) return 0;
      const entries = await entriesOf(finished.map(({ mailId }) => mailId));
      // A final entry is the mail only while no newer entry of it exists (one recorded by a stalled holder is not).
      const done = finished.filter((entry) => !isSuperseded(entry, entries));
      const doneMailIds = new Set(done.map(({ mailId }) => mailId));
      const doneIds = new Set(done.map(({ _id }) => _id));
      // Whatever else these mails left: a done mail's older entries, and entries a newer one replaced.
      const leftOver = entries.filter(
        (entry) =>
          !doneIds.has(entry._id) &&
          (doneMailIds.has(entry.mailId) || isSuperseded(entry, entries)),
      );
      // The final entries go last: a sweep stopped half-way leaves each mail findable by the next one.
      if (doneMailIds.size > 0) await mailLeases.deleteMany(query.mailIdIn([...doneMailIds]));
      if (leftOver.length > 0) {
        await mailEntries.deleteMany(query.idIn(leftOver.map(({ _id }) => _id)));
      }
      if (done.length === 0) return 0;
      return (await mailEntries.deleteMany(query.idIn([...doneIds]))).deletedCount;
    },
  };
}
