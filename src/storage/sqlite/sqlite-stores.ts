// The embedded store: every port on one better-sqlite3 database. Every statement on a request path is an indexed
// lookup, since the driver is synchronous and runs on the event loop.
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Stores } from '../ports/stores.js';
import { guardUnavailable } from '../unavailable-guard.js';
import { applyPragmas, applyRequestBusyTimeout, migrate } from './schema.js';
import { isSqliteUnavailable } from './sqlite-errors.js';
import { createSqliteMailOutbox } from './sqlite-mail-outbox.js';
import { createSqliteMfaStore } from './sqlite-mfa-store.js';
import { createSqliteOneTimeTokenStore } from './sqlite-one-time-token-store.js';
import { createSqliteSessionStore } from './sqlite-session-store.js';
import { createSqliteUserStore } from './sqlite-user-store.js';
import { startWalCheckpointer } from './wal-checkpointer.js';

/** Opens (creating if needed) the database file at `path`, or a private in-memory database for ':memory:'. */
export function openSqliteStores(path: string): Stores {
  const inMemory = path === ':memory:';
  if (!inMemory) createPrivateFile(path);
  const db = new Database(path);
  applyPragmas(db, inMemory);
  const stores = createSqliteStores(db);
  if (inMemory) return stores;
  // Checkpoints leave the event loop (wal-checkpointer.ts says why); the last one is the closing connection's own.
  const checkpointer = startWalCheckpointer(db, path);
  const { sessions } = stores;
  return {
    ...stores,
    sessions: {
      ...sessions,
      // A sweep batch writes hundreds of scattered pages: a backlog waits for the copying to keep up.
      async sweepExpired(now, limit) {
        await checkpointer.caughtUp();
        return sessions.sweepExpired(now, limit);
      },
    },
    async close() {
      await checkpointer.stop();
      await stores.close();
    },
  };
}

/** The stores over an open connection; migrates it to the current schema first. */
export function createSqliteStores(db: Database.Database): Stores {
  migrate(db);
  applyRequestBusyTimeout(db);
  const guard = { isUnavailable: isSqliteUnavailable };
  const { flush: flushRotations, ...sessions } = createSqliteSessionStore(db);
  // Readiness: touches no table, so it is not among the request-path statements whose plans are checked.
  const selectOne = db.prepare('SELECT 1');
  const readiness = guardUnavailable(
    {
      async ping() {
        selectOne.get();
      },
    },
    guard,
  );

  return {
    users: guardUnavailable(createSqliteUserStore(db), guard),
    sessions: guardUnavailable(sessions, guard),
    oneTimeTokens: guardUnavailable(createSqliteOneTimeTokenStore(db), guard),
    mailOutbox: guardUnavailable(createSqliteMailOutbox(db), guard),
    mfa: guardUnavailable(createSqliteMfaStore(db), guard),
    ping: () => readiness.ping(),
    async close() {
      flushRotations();
      db.close();
    },
  };
}

/**
 * The file holds password hashes and client IPs: readable by its owner only. SQLite creates the -wal and -shm
 * files with the database file's permissions, so they follow.
 */
function createPrivateFile(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  closeSync(openSync(path, 'a', 0o600));
  chmodSync(path, 0o600);
}
