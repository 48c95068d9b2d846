// Writes bench:scale's population (population.ts) into a SQLite file the service then opens as it is: the file is
// created and migrated by the service's own adapter, and the rows go in through the adapter's own INSERT statements,
// prepared once and run in transactions of many thousand rows. Registering through the API would cost a bcrypt hash
// an account (hours for a million); every account here shares one hash made once. Durability is off while seeding
// only (a crash leaves a file to throw away); the service sets its own pragmas when it opens the file.
import bcrypt from 'bcrypt';
import Database from 'better-sqlite3';
import { STATEMENTS } from '../../src/storage/sqlite/statements.js';
import { openSqliteStores } from '../../src/storage/sqlite/sqlite-stores.js';
import { COST, PASSWORD } from '../seeded-accounts.js';
import {
  seededSessions,
  seededUsers,
  type PopulationSize,
  type SeededSession,
  type SeededToken,
  type SeededUser,
} from './population.js';

/** Accounts, or sessions with their tokens, written between two yields to the event loop (so progress prints). */
const ITEMS_A_CHUNK = 10_000;
/**
 * Items a transaction. The token hash and id indexes take their keys at random places, so each commit writes nearly
 * every page of them: few large commits write each page a few times, where one commit a chunk rewrote them all each
 * time (a 500,000-token seed took 18 s instead of 4).
 */
const ITEMS_A_TRANSACTION = 500_000;
/** Page cache while seeding: what a transaction changes stays in memory until its commit. */
const SEEDING_CACHE_KIB = 4 * 1024 * 1024;

export interface SeedProgress {
  (what: string, done: number, of: number): void;
}

export async function seedSqlite(
  path: string,
  size: PopulationSize,
  now: number,
  progress: SeedProgress,
): Promise<void> {
  // The service's adapter makes the file (mode 0600, WAL) and its schema; then it is closed and filled directly.
  await openSqliteStores(path).close();
  const passwordHash = await bcrypt.hash(PASSWORD, COST);
  const db = new Database(path);
  try {
    // The rollback journal in memory while seeding (a crash leaves a file to throw away): each page is written once a
    // commit, not to the WAL and again to the file. The service opens it in WAL mode again.
    db.pragma('journal_mode = MEMORY');
    db.pragma('synchronous = OFF');
    db.pragma(`cache_size = -${String(SEEDING_CACHE_KIB)}`);
    // Every row points at one inserted before it; checking each costs a lookup and proves nothing here.
    db.pragma('foreign_keys = OFF');
    const insert = {
      user: db.prepare(STATEMENTS.insertUser),
      session: db.prepare(STATEMENTS.insertSession),
      token: db.prepare(STATEMENTS.insertToken),
    };
    const userIds: string[] = [];
    const insertUsers = (users: SeededUser[]) => {
      for (const user of users) insert.user.run(userRow(user, passwordHash));
    };
    await inChunks(db, seededUsers(size, now), insertUsers, (done, users) => {
      for (const user of users) userIds.push(user.id);
      progress('users', done, size.users);
    });
    const insertSessions = (sessions: Array<{ session: SeededSession; tokens: SeededToken[] }>) => {
      for (const { session, tokens } of sessions) {
        insert.session.run(sessionRow(session));
        for (const token of tokens) insert.token.run(tokenRow(token));
      }
    };
    await inChunks(db, seededSessions(size, userIds, now), insertSessions, (done) => {
      progress('sessions', done, size.sessions);
    });
    db.pragma('journal_mode = WAL');
  } finally {
    db.close();
  }
}

/** Runs `write` on chunks of the items, a transaction every ITEMS_A_TRANSACTION, yielding between chunks. */
async function inChunks<T>(
  db: Database.Database,
  items: Iterable<T>,
  write: (chunk: T[]) => void,
  done: (count: number, chunk: T[]) => void,
): Promise<void> {
  let chunk: T[] = [];
  let count = 0;
  const flush = async () => {
    if (!db.inTransaction) db.exec('BEGIN');
    write(chunk);
    count += chunk.length;
    if (count % ITEMS_A_TRANSACTION < chunk.length) db.exec('COMMIT');
    done(count, chunk);
    chunk = [];
    await new Promise((resolve) => setImmediate(resolve));
  };
  for (const item of items) {
    chunk.push(item);
    if (chunk.length >= ITEMS_A_CHUNK) await flush();
  }
  if (chunk.length > 0) await flush();
  if (db.inTransaction) db.exec('COMMIT');
}

// Column values as the adapter writes them (sqlite/rows.ts): times in ms, booleans as 0 or 1.
const userRow = (user: SeededUser, passwordHash: string) => ({
  id: user.id,
  email: user.email,
  email_verified: user.emailVerified ? 1 : 0,
  name: user.name,
  role: 'user',
  password_hash: passwordHash,
  created_at: user.createdAt,
  updated_at: user.createdAt,
  password_changed_at: user.createdAt,
  deleted_at: null,
});

const sessionRow = (session: SeededSession) => ({
  id: session.id,
  user_id: session.userId,
  created_at: session.createdAt,
  last_used_at: session.lastUsedAt,
  expires_at: session.expiresAt,
  revoked_at: session.revokedAt,
  revoked_reason: session.revokedAt === null ? null : 'logout',
  user_agent: session.userAgent,
  ip: session.ip,
  amr: 'pwd',
});

const tokenRow = (token: SeededToken) => ({
  id: token.id,
  session_id: token.sessionId,
  user_id: token.userId,
  token_hash: token.tokenHash,
  created_at: token.createdAt,
  expires_at: token.expiresAt,
  used_at: token.usedAt,
  replaced_by_id: token.replacedById,
});
