// The mail outbox port on better-sqlite3. A lease is one immediate transaction (it takes the write lock first, so
// instances sharing the file serialize on it): the due mails are read and marked with a random lease of their own
// together. An outcome is an update conditional on that lease, which it clears: one lease records one attempt, and
// a mail taken over carries the new holder's lease, so the old holder's update matches nothing.
import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { MAIL_ERROR_MAX_LENGTH, type MailOutbox } from '../ports/mail-outbox.js';
import { toOutboxMail, type MailOutboxRow } from './rows.js';
import { STATEMENTS } from './statements.js';

interface PendingSummaryRow {
  count: number;
  oldest_created_at: number | null;
}

type NewMailRow = Pick<MailOutboxRow, 'id' | 'kind' | 'sealed' | 'created_at' | 'not_after'>;

export function createSqliteMailOutbox(db: Database): MailOutbox {
  const sql = {
    enqueueMail: db.prepare<[NewMailRow]>(STATEMENTS.enqueueMail),
    mailById: db.prepare<[string], MailOutboxRow>(STATEMENTS.mailById),
    dueMails: db.prepare<[{ now: number; limit: number }], MailOutboxRow>(STATEMENTS.dueMails),
    leaseMail: db.prepare<[string, number, string]>(STATEMENTS.leaseMail),
    markMailSent: db.prepare<[number, string, string]>(STATEMENTS.markMailSent),
    markMailRetry: db.prepare<[string, number, string, string]>(STATEMENTS.markMailRetry),
    markMailDead: db.prepare<[string, string, string]>(STATEMENTS.markMailDead),
    pendingMails: db.prepare<[], PendingSummaryRow>(STATEMENTS.pendingMails),
    sweepFinishedMails: db.prepare<[number, number]>(STATEMENTS.sweepFinishedMails),
  };

  const leaseTx = db.transaction((nowMs: number, leaseMs: number, limit: number) =>
    sql.dueMails.all({ now: nowMs, limit }).map((row) => {
      const lease = randomUUID();
      sql.leaseMail.run(lease, nowMs + leaseMs, row.id);
      return { mail: toOutboxMail(row), lease };
    }),
  );

  return {
    async enqueueMail(mail) {
      sql.enqueueMail.run({
        id: mail.id,
        kind: mail.kind,
        sealed: mail.sealed,
        created_at: mail.createdAt.getTime(),
        not_after: mail.notAfter.getTime(),
      });
    },

    async leaseDueMails(now, leaseMs, limit) {
      return leaseTx.immediate(now.getTime(), leaseMs, limit);
    },

    async markMailSent(id, lease, now) {
      return sql.markMailSent.run(now.getTime(), id, lease).changes === 1;
    },

    async markMailFailed(id, lease, { error, retryAt }) {
      const lastError = error.slice(0, MAIL_ERROR_MAX_LENGTH);
      const result =
        retryAt === null
          ? sql.markMailDead.run(lastError, id, lease)
          : sql.markMailRetry.run(lastError, retryAt.getTime(), id, lease);
      return result.changes === 1;
    },

    async findMail(id) {
      const row = sql.mailById.get(id);
      return row && toOutboxMail(row);
    },

    async pendingMails() {
      const summary = sql.pendingMails.get();
      return {
        count: summary?.count ?? 0,
        oldestCreatedAt:
          summary?.oldest_created_at == null ? undefined : new Date(summary.oldest_created_at),
      };
    },

    async sweepFinishedMails(before, limit) {
      return sql.sweepFinishedMails.run(before.getTime(), limit).changes;
    },
  };
}
