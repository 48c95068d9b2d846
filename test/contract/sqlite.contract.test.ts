// Runs the storage contract against the SQLite adapter: in memory, and on a file (WAL mode) in a fresh directory.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { openSqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { describeStoreContract } from './store-contract.js';

const tempDirs: string[] = [];

/** A database path in a directory of its own, in a subfolder the store has to create. */
function freshDatabasePath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'auth-store-contract-'));
  tempDirs.push(dir);
  return join(dir, 'data', 'auth.db');
}

afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describeStoreContract('sqlite store (in memory)', () =>
  Promise.resolve(openSqliteStore(':memory:')),
);

describeStoreContract('sqlite store (file)', () =>
  Promise.resolve(openSqliteStore(freshDatabasePath())),
);

describe('sqlite store file mode', () => {
  it('when the store writes to a file, then the database and its WAL files are readable by their owner only', async () => {
    const path = freshDatabasePath();
    const store = openSqliteStore(path);
    onTestFinished(() => store.close());

    await store.createUser({
      id: randomUUID(),
      email: 'mode@example.com',
      name: 'Mode',
      role: 'user',
      passwordHash: `$2b$04$${'a'.repeat(53)}`,
      createdAt: new Date(0),
    });

    for (const file of [path, `${path}-wal`, `${path}-shm`]) {
      expect(statSync(file).mode & 0o777, file).toBe(0o600);
    }
  });

  it('when the store is opened on a file, then the file is in WAL journal mode', async () => {
    const path = freshDatabasePath();
    const store = openSqliteStore(path);
    onTestFinished(() => store.close());
    const reader = new Database(path, { readonly: true });
    onTestFinished(() => {
      reader.close();
    });
    expect(reader.pragma('journal_mode', { simple: true })).toBe('wal');
    await expect(store.findLiveUserByEmail('nobody@example.com')).resolves.toBeUndefined();
  });
});
