// better-sqlite3 runs on the event loop, so every statement the adapter runs must be an indexed lookup: its
// query plan never scans a whole table. Also covers the migrations' guard on the schema version.
import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createSqliteStores } from '../../src/storage/sqlite/sqlite-stores.js';
import { STATEMENTS } from '../../src/storage/sqlite/statements.js';

interface PlanRow {
  detail: string;
}

// Plan rows name a table by its alias when it has one ("SCAN t"), so any SCAN of a table counts, not only
// /^SCAN (users|sessions|refresh_tokens)\b/. A covering-index scan ("SCAN t USING COVERING INDEX") is still a scan.
const FULL_SCAN = /^SCAN (?!CONSTANT ROW\b)\S+/;

function migratedDatabase(): Database.Database {
  const db = new Database(':memory:');
  onTestFinished(() => {
    db.close();
  });
  createSqliteStores(db);
  return db;
}

/** Placeholder values: one object with every @name, or one value per `?`. */
function placeholderArgs(sql: string): unknown[] {
  const names = [...sql.matchAll(/@(\w+)/g)].map((match) => match[1] ?? '');
  if (names.length > 0) return [Object.fromEntries(names.map((name) => [name, null]))];
  return Array.from({ length: sql.split('?').length - 1 }, () => null);
}

function queryPlan(db: Database.Database, sql: string): string[] {
  const rows = db
    .prepare<unknown[], PlanRow>(`EXPLAIN QUERY PLAN ${sql}`)
    .all(...placeholderArgs(sql));
  return rows.map((row) => row.detail);
}

function userVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

describe('sqlite query plans', () => {
  it.each(Object.entries(STATEMENTS))(
    'when %s is planned, then no table is scanned in full',
    (_name, sql) => {
      const plan = queryPlan(migratedDatabase(), sql);
      expect(plan.filter((detail) => FULL_SCAN.test(detail))).toEqual([]);
      // Only an INSERT has nothing to look up; anything else must show its indexed search.
      if (!/^\s*INSERT\b/.test(sql)) {
        expect(plan.some((detail) => detail.startsWith('SEARCH '))).toBe(true);
      }
    },
  );

  it('when a statement filters on an unindexed column, then the check sees the full scan', () => {
    const plan = queryPlan(migratedDatabase(), 'SELECT * FROM sessions s WHERE s.ip = ?');
    expect(plan.filter((detail) => FULL_SCAN.test(detail))).toEqual(['SCAN s']);
  });
});

describe('sqlite migrations', () => {
  it('when a migrated database is opened again, then it keeps its schema version and data', async () => {
    const db = migratedDatabase();
    const version = userVersion(db);
    expect(version).toBeGreaterThan(0);
    const first = createSqliteStores(db);
    const created = await first.users.createUser({
      id: 'user-1',
      email: 'again@example.com',
      name: 'Again',
      role: 'user',
      passwordHash: 'hash',
      createdAt: new Date('2030-01-01T00:00:00.000Z'),
    });
    expect(created.outcome).toBe('created');
    const second = createSqliteStores(db);
    expect(userVersion(db)).toBe(version);
    expect((await second.users.findLiveUserByEmail('again@example.com'))?.id).toBe('user-1');
  });

  it('when the database is at a newer schema version than this build knows, then it is refused untouched', () => {
    const known = userVersion(migratedDatabase());
    const db = new Database(':memory:');
    onTestFinished(() => {
      db.close();
    });
    db.pragma(`user_version = ${known + 1}`);
    expect(() => createSqliteStores(db)).toThrow(/newer than this build knows/);
    expect(userVersion(db)).toBe(known + 1);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all()).toEqual([]);
  });
});
