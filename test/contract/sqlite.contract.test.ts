// Runs the storage contract against the SQLite adapter: in memory, and on a file (WAL mode) in a fresh directory.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { openSqliteStores } from '../../src/storage/sqlite/sqlite-stores.js';
import { describeStoresContract } from './stores-contract.js';

const tempDirs: string[] = [];

/** A database path in a directory of its own, in a subfolder the stores has to create. */
function freshDatabasePath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'auth-stores-contract-'));
  tempDirs.push(dir);
  return join(dir, 'data', 'auth.db');
}

afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describeStoresContract('sqlite stores (in memory)', () =>
  Promise.resolve(openSqliteStores(':memory:')),
);

describeStoresContract('sqlite stores (file)', () =>
  Promise.resolve(openSqliteStores(freshDatabasePath())),
);

describe('sqlite stores file mode', () => {
  it('when the stores write to a file, then the database and its WAL files are readable by their owner only', async () => {
    const path = freshDatabasePath();
    const stores = openSqliteStores(path);
    onTestFinished(() => stores.close());

    await stores.users.createUser({
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

  it('when the stores are opened on a file, then the file is in WAL journal mode', async () => {
    const path = freshDatabasePath();
    const stores = openSqliteStores(path);
    onTestFinished(() => stores.close());
    const reader = new Database(path, { readonly: true });
    onTestFinished(() => {
      reader.close();
    });
    expect(reader.pragma('journal_mode', { simple: true })).toBe('wal');
    await expect(stores.users.findLiveUserByEmail('nobody@example.com')).resolves.toBeUndefined();
  });
});
