// Files written by earlier builds open in this one with their data intact.
import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import { MIGRATIONS } from '../../src/storage/sqlite/schema.js';
import { createSqliteStores } from '../../src/storage/sqlite/sqlite-stores.js';

const T0 = Date.parse('2030-01-01T00:00:00.000Z');
const HOUR = 3_600_000;

/** A database as schema version 1 left it: one user, one session, a used token and its unused successor. */
function versionOneDatabase(): Database.Database {
  const db = new Database(':memory:');
  onTestFinished(() => {
    db.close();
  });
  db.exec(MIGRATIONS[0] ?? '');
  db.pragma('user_version = 1');
  db.prepare(
    `INSERT INTO users VALUES ('user-1', 'old@example.com', 'Old', 'user', 'hash', ?, ?, ?, NULL)`,
  ).run(T0, T0, T0);
  db.prepare(
    `INSERT INTO sessions VALUES ('session-1', 'user-1', ?, ?, ?, NULL, NULL, 'agent', '127.0.0.1')`,
  ).run(T0, T0, T0 + 720 * HOUR);
  const token = db.prepare('INSERT INTO refresh_tokens VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  token.run('token-1', 'session-1', 'user-1', 'hash-1', T0, T0 + 168 * HOUR, T0 + HOUR, 'token-2');
  token.run('token-2', 'session-1', 'user-1', 'hash-2', T0 + HOUR, T0 + 169 * HOUR, null, null);
  return db;
}

describe('sqlite migrations from version 1', () => {
  it('when a version 1 file is opened, then its tokens keep every field and the id index is gone', async () => {
    const db = versionOneDatabase();

    const store = createSqliteStores(db);

    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(await store.sessions.findRefreshToken('hash-1')).toMatchObject({
      id: 'token-1',
      sessionId: 'session-1',
      usedAt: new Date(T0 + HOUR),
      replacedById: 'token-2',
    });
    const indexes = db
      .prepare<[], { name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'refresh_tokens' ORDER BY name",
      )
      .all()
      .map((row) => row.name);
    expect(indexes).toEqual([
      'refresh_tokens_expires',
      'refresh_tokens_session',
      expect.stringMatching(/^sqlite_autoindex_refresh_tokens/) as string,
    ]);
    expect(db.pragma('foreign_key_check')).toEqual([]);
  });

  it('when a version 1 file is opened, then its sessions read as opened by a password alone', async () => {
    const store = createSqliteStores(versionOneDatabase());

    expect(await store.sessions.findSession('session-1')).toMatchObject({ amr: ['pwd'] });
    expect(await store.sessions.listLiveSessions('user-1', new Date(T0))).toMatchObject([
      { id: 'session-1', amr: ['pwd'] },
    ]);
  });

  it('when a migrated token is rotated and then replayed, then rotation and reuse detection work as before', async () => {
    const store = createSqliteStores(versionOneDatabase());
    const successor = {
      id: 'token-3',
      sessionId: 'session-1',
      userId: 'user-1',
      tokenHash: 'hash-3',
      createdAt: new Date(T0 + 2 * HOUR),
      expiresAt: new Date(T0 + 170 * HOUR),
    };

    const rotated = await store.sessions.rotateRefreshToken(
      'hash-2',
      successor,
      new Date(T0 + 2 * HOUR),
    );
    const replayed = await store.sessions.rotateRefreshToken(
      'hash-1',
      { ...successor, id: 'token-4', tokenHash: 'hash-4' },
      new Date(T0 + 3 * HOUR),
    );

    expect(rotated).toEqual({ outcome: 'rotated' });
    expect(replayed).toMatchObject({ outcome: 'reused', sessionId: 'session-1' });
    expect(await store.sessions.findRefreshToken('hash-2')).toMatchObject({
      replacedById: 'token-3',
    });
  });
});
