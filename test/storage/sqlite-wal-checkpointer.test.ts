// A file store copies its WAL into the database file from a worker thread (wal-checkpointer.ts), never inside a
// request's or a sweep batch's commit on the event loop: the serving connection's automatic checkpoint is off, the
// worker's checkpoints reach the file while the store is open, and nothing is lost when the store closes.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStores } from '../../src/storage/sqlite/sqlite-stores.js';
import { startWalCheckpointer } from '../../src/storage/sqlite/wal-checkpointer.js';

/** Fewer pages than SQLite's own threshold (1,000): before the worker, nothing would reach the file yet. */
const ACCOUNTS = 1500;

async function until(condition: () => boolean, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return condition();
}

describe('SQLite WAL checkpoints off the event loop', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const newPath = () => {
    const dir = mkdtempSync(join(tmpdir(), 'auth-api-checkpoint-'));
    dirs.push(dir);
    return join(dir, 'auth.db');
  };

  it('when a file store is written to, then the worker copies the WAL into the file while it is open, and a reopened file holds every row', async () => {
    const path = newPath();
    const stores = openSqliteStores(path);
    const sizeBefore = statSync(path).size;
    for (let index = 0; index < ACCOUNTS; index += 1) {
      await stores.users.createUser({
        id: randomUUID(),
        email: `checkpoint-${String(index)}@example.com`,
        name: 'Checkpoint '.repeat(8),
        role: 'user',
        passwordHash: '$2b$10$'.padEnd(60, 'x'),
        createdAt: new Date('2030-01-01T00:00:00.000Z'),
      });
    }
    expect(await until(() => statSync(path).size > sizeBefore)).toBe(true);
    await stores.close();

    const reopened = new Database(path, { readonly: true });
    const count = reopened.prepare('SELECT count(*) AS n FROM users').get() as { n: number };
    reopened.close();
    expect(count.n).toBe(ACCOUNTS);
  });

  it("when a bulk writer asks to go on, then it is let go at the worker's next report, and at once once stopped", async () => {
    const path = newPath();
    await openSqliteStores(path).close();
    const db = new Database(path);
    const checkpointer = startWalCheckpointer(db, path);
    let released = false;
    const waited = checkpointer.caughtUp().then(() => (released = true));
    expect(released).toBe(false);
    await waited;
    await checkpointer.stop();
    await checkpointer.caughtUp();
    db.close();
  });

  it('when the checkpointer starts, then the serving connection checkpoints nothing itself; once stopped, its worker has closed', async () => {
    const path = newPath();
    await openSqliteStores(path).close();
    const db = new Database(path);
    const checkpointer = startWalCheckpointer(db, path);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    await checkpointer.stop();
    // The worker's connection is gone: this one may now take the file for itself.
    expect(db.pragma('journal_mode = DELETE', { simple: true })).toBe('delete');
    db.close();
  });
});
