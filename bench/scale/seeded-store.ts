// The seeded store bench:scale runs on: seeded now (into --keep PATH, or a temp file, or a database of its own on the
// wire server), or a copy of a file seeded before (--from PATH). Says where it is, how long seeding took, and
// what the store holds, so the report can state the scale it measured.
import { randomInt } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Credentials } from '../accounts.js';
import { benchAddress, PASSWORD } from '../seeded-accounts.js';
import type { ScaleArguments } from './arguments.js';
import { seedMongo } from './mongo-seed.js';
import { populationSize } from './population.js';
import { seedSqlite } from './sqlite-seed.js';

export interface SeededStore {
  /** What the service's environment needs to open it: SQLITE_PATH or MONGODB_URI. */
  env: Record<string, string>;
  /** The SQLite file, when SQLite. */
  path: string | undefined;
  /** Seconds seeding took, or undefined for a copy of an earlier seed. */
  seedSeconds: number | undefined;
  /** Accounts in the store: logins pick among benchAddress('known', 0 … users - 1). */
  users: number;
  /** Removes what the run made (never a --keep file). */
  remove: () => void;
}

/** A seeded account at random, with the one password they all share. */
export const seededAccount =
  (users: number): (() => Credentials) =>
  () => ({ email: benchAddress('known', randomInt(users)), password: PASSWORD });

function progressPrinter(step: (text: string) => void) {
  let last = 0;
  return (what: string, done: number, of: number) => {
    if (Date.now() - last < 10_000 && done < of) return;
    last = Date.now();
    step(`seeding ${what}: ${done.toLocaleString('en-US')} of ${of.toLocaleString('en-US')}`);
  };
}

export async function prepareSeededStore(
  args: ScaleArguments,
  wireUri: string | undefined,
  step: (text: string) => void,
): Promise<SeededStore> {
  const size = populationSize(args.users, args.tokens, args.sessions);
  const started = Date.now();
  const seconds = () => (Date.now() - started) / 1000;
  if (args.store === 'mongo') {
    if (wireUri === undefined) throw new Error('no wire server for --store mongo');
    const uri = `${wireUri}/auth_scale_${String(Date.now())}`;
    await seedMongo(uri, size, Date.now(), progressPrinter(step));
    return {
      env: { MONGODB_URI: uri },
      path: undefined,
      seedSeconds: seconds(),
      users: size.users,
      remove: () => undefined,
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'auth-api-scale-'));
  const removeDir = () => {
    rmSync(dir, { recursive: true, force: true });
  };
  if (args.from !== undefined) {
    const path = join(dir, 'auth.db');
    copyFileSync(args.from, path);
    const users = countUsers(path);
    return { env: { SQLITE_PATH: path }, path, seedSeconds: undefined, users, remove: removeDir };
  }
  const path = args.keep ?? join(dir, 'auth.db');
  if (args.keep !== undefined && existsSync(args.keep)) {
    throw new Error(`--keep ${args.keep}: the file exists; name a new one`);
  }
  await seedSqlite(path, size, Date.now(), progressPrinter(step));
  return {
    env: { SQLITE_PATH: path },
    path,
    seedSeconds: seconds(),
    users: size.users,
    remove: removeDir,
  };
}

function countUsers(path: string): number {
  const db = new Database(path, { readonly: true });
  try {
    return (
      db.prepare<[], { count: number }>('SELECT count(*) AS count FROM users').get()?.count ?? 0
    );
  } finally {
    db.close();
  }
}

/** The SQLite file's size with its WAL, in MiB. */
export function sqliteFileMiB(path: string): { file: number; wal: number } {
  const size = (name: string) => (existsSync(name) ? statSync(name).size / 2 ** 20 : 0);
  return { file: Math.round(size(path)), wal: Math.round(size(`${path}-wal`)) };
}

/** What the SQLite file holds now, and how much of it is past its expiry. */
export function sqliteContents(path: string, now: number) {
  const db = new Database(path, { readonly: true });
  const count = (sql: string) => db.prepare<[], { count: number }>(sql).get()?.count ?? 0;
  try {
    return {
      users: count('SELECT count(*) AS count FROM users'),
      sessions: count('SELECT count(*) AS count FROM sessions'),
      expiredSessions: count(
        `SELECT count(*) AS count FROM sessions WHERE expires_at < ${String(now)}`,
      ),
      refreshTokens: count('SELECT count(*) AS count FROM refresh_tokens'),
      expiredRefreshTokens: count(
        `SELECT count(*) AS count FROM refresh_tokens WHERE expires_at < ${String(now)}`,
      ),
    };
  } finally {
    db.close();
  }
}
