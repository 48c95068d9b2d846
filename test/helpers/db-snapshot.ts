// Every row of every table, to show that a refused request changed nothing.
import type Database from 'better-sqlite3';

const TABLES = ['users', 'sessions', 'refresh_tokens'] as const;

export function snapshot(db: Database.Database): Record<string, unknown[]> {
  return Object.fromEntries(
    TABLES.map((table) => [table, db.prepare(`SELECT * FROM ${table} ORDER BY rowid`).all()]),
  );
}

export function rowCount(db: Database.Database, table: (typeof TABLES)[number]): number {
  return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
}
