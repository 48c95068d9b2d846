// Several workers over one outbox, as several instances over one database file: the lease gives each mail to one
// worker at a time, so every mail is received once, and a crashed worker's mails are taken up once its lease runs
// out.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { MailTransport } from '../../src/mail/mail-transport.js';
import type { OutboxRun, OutboxWorker } from '../../src/mail/outbox-worker.js';
import { openSqliteStores } from '../../src/storage/sqlite/sqlite-stores.js';
import { resetMail, startOutboxRig } from '../helpers/outbox-rig.js';

/** Two stores on one fresh database file: two instances' connections. */
function twoInstances() {
  const dir = mkdtempSync(join(tmpdir(), 'auth-outbox-sharing-'));
  const path = join(dir, 'auth.db');
  const first = openSqliteStores(path);
  const second = openSqliteStores(path);
  onTestFinished(async () => {
    await second.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { first, second };
}

/** Runs the worker until a run finds nothing to do; the total of its runs. */
async function drain(worker: OutboxWorker): Promise<OutboxRun> {
  const total: OutboxRun = { sent: 0, retried: 0, dead: 0 };
  for (let runs = 0; runs < 50; runs += 1) {
    const run = await worker.runOnce();
    if (run.sent + run.retried + run.dead === 0) break;
    total.sent += run.sent;
    total.retried += run.retried;
    total.dead += run.dead;
  }
  return total;
}

describe('workers sharing one outbox', () => {
  it('when two workers of two instances run at once, then every mail is received exactly once', async () => {
    const { first, second } = twoInstances();
    const rig = await startOutboxRig(first);
    const recipients = Array.from({ length: 20 }, (_, index) => `user${String(index)}@example.com`);
    for (const to of recipients) await rig.queue(resetMail(to));
    const workerA = rig.worker({ batchSize: 3 });
    const workerB = rig.worker({ outbox: second.mailOutbox, batchSize: 3 });

    const [runsA, runsB] = await Promise.all([drain(workerA), drain(workerB)]);

    expect(runsA.sent + runsB.sent).toBe(20);
    expect(runsA.sent).toBeGreaterThan(0);
    expect(runsB.sent).toBeGreaterThan(0);
    const received = rig.receiver.mails.flatMap((mail) => mail.envelopeTo);
    expect([...received].sort()).toEqual([...recipients].sort());
    expect(await first.mailOutbox.pendingMails()).toEqual({ count: 0, oldestCreatedAt: undefined });
  });

  it('when a worker dies holding a lease, then the others leave its mail alone until the lease runs out, then send it once', async () => {
    const { first, second } = twoInstances();
    const rig = await startOutboxRig(first);
    const id = await rig.queue(resetMail());
    const leaseMs = 60_000;
    // The crashed worker: it leased the mail and will never report.
    expect(
      await first.mailOutbox.leaseDueMails(new Date(rig.clock.now()), leaseMs, 10),
    ).toHaveLength(1);
    const survivor = rig.worker({ outbox: second.mailOutbox, leaseMs });

    rig.clock.advance('59s');
    expect(await survivor.runOnce()).toEqual({ sent: 0, retried: 0, dead: 0 });
    rig.clock.advance('1s');
    expect(await survivor.runOnce()).toEqual({ sent: 1, retried: 0, dead: 0 });

    expect(rig.receiver.mails).toHaveLength(1);
    expect(await second.mailOutbox.findMail(id)).toMatchObject({ state: 'sent', attempts: 1 });
  });

  it('when slow sends use up a batch’s lease, then its last mails are left for the next lease rather than sent late', async () => {
    const rig = await startOutboxRig();
    const first = await rig.queue(resetMail('first@example.com'));
    rig.clock.advance('1s');
    const second = await rig.queue(resetMail('second@example.com'));
    // The real transport, on a server that takes 25 s of the 30 s lease to accept a mail.
    const slow: MailTransport = {
      async send(message, options) {
        await rig.transport.send(message, options);
        rig.clock.advance('25s');
      },
      close: () => rig.transport.close(),
    };
    const worker = rig.worker({ transport: slow, leaseMs: 30_000, batchSize: 2 });

    expect(await worker.runOnce()).toEqual({ sent: 1, retried: 0, dead: 0 });
    expect((await rig.stores.mailOutbox.findMail(first))?.state).toBe('sent');
    expect(await rig.stores.mailOutbox.findMail(second)).toMatchObject({
      state: 'pending',
      attempts: 0,
    });

    rig.clock.advance('5s');
    expect(await worker.runOnce()).toEqual({ sent: 1, retried: 0, dead: 0 });
    expect(rig.receiver.mails.map((mail) => mail.envelopeTo[0])).toEqual([
      'first@example.com',
      'second@example.com',
    ]);
  });
});
