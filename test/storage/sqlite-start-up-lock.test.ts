import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStores } from '../../src/storage/sqlite/sqlite-stores.js';

const HOLD_MS = 600;

/** Another process takes the file's write lock, says so on stdout, holds it HOLD_MS, then commits and exits. */
function holdWriteLock(path: string): Promise<{ released: Promise<number | null> }> {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(process.argv[1]);
    db.exec('BEGIN IMMEDIATE');
    process.stdout.write('locked\\n');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ${HOLD_MS});
    db.exec('COMMIT');
    db.close();
  `;
  const child = spawn(process.execPath, ['-e', script, path], {
    cwd: process.cwd(),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const released = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.stdout.once('data', () => {
      resolve({ released });
    });
  });
}

describe('SQLite start-up beside another instance', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('when another process holds the write lock longer than a request would wait, then opening waits for it and succeeds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'auth-api-lock-'));
    dirs.push(dir);
    const path = join(dir, 'auth.db');
    // The file exists with its schema, as when a second instance starts beside a running one.
    await openSqliteStores(path).close();
    const { released } = await holdWriteLock(path);

    // Opening migrates under the write lock: it waits for the other process instead of failing SQLITE_BUSY.
    const store = openSqliteStores(path);

    expect(await released).toBe(0);
    await expect(store.ping()).resolves.toBeUndefined();
    await store.close();
  });
});
