// The SQLite adapter commits the rotations of one event-loop turn together (turn-batch.ts). Each rotation must still
// behave as if it ran alone: its own outcome, its own rollback, and an answer only once its write is committed.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStores } from '../../src/storage/sqlite/sqlite-stores.js';
import { StoreUnavailableError, type Stores } from '../../src/storage/ports/stores.js';
import { at, HOUR, newSession, newToken, newUser, ROTATED, unused } from '../contract/fixtures.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function databaseFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'auth-api-batch-'));
  dirs.push(dir);
  return join(dir, 'auth.db');
}

/** A store over `path` with `count` users, each signed in once. */
async function signedIn(store: Stores, count: number) {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const user = newUser();
      await store.users.createUser(user);
      const session = newSession(user.id);
      const token = newToken(session);
      await store.sessions.openSession(session, token);
      return { session, token };
    }),
  );
}

describe('sqlite rotations batched per turn', () => {
  it('when several sessions rotate in one turn, then each gets its own outcome and all are written', async () => {
    const store = openSqliteStores(databaseFile());
    const signed = await signedIn(store, 5);
    const successors = signed.map(({ session }) => newToken(session));

    const outcomes = await Promise.all(
      signed.map(({ token }, index) =>
        store.sessions.rotateRefreshToken(token.tokenHash, successors[index] ?? token, at(HOUR)),
      ),
    );

    expect(outcomes).toEqual(signed.map(() => ROTATED));
    for (const [index, successor] of successors.entries()) {
      expect(await store.sessions.findRefreshToken(successor.tokenHash)).toEqual(unused(successor));
      expect(
        await store.sessions.findRefreshToken(signed[index]?.token.tokenHash ?? ''),
      ).toMatchObject({
        usedAt: at(HOUR),
        replacedById: successor.id,
      });
    }
    await store.close();
  });

  it('when one rotation of a turn fails to write, then only it is rolled back and the others commit', async () => {
    const store = openSqliteStores(databaseFile());
    const [first, second] = await signedIn(store, 2);
    if (!first || !second) throw new Error('arrange');
    // A successor whose hash is already stored: its insert violates the unique hash, after the old token was marked.
    const clashing = newToken(first.session, { tokenHash: second.token.tokenHash });
    const fine = newToken(second.session);

    const [failed, rotated] = await Promise.allSettled([
      store.sessions.rotateRefreshToken(first.token.tokenHash, clashing, at(HOUR)),
      store.sessions.rotateRefreshToken(second.token.tokenHash, fine, at(HOUR)),
    ]);

    expect(failed.status).toBe('rejected');
    expect(rotated).toEqual({ status: 'fulfilled', value: ROTATED });
    expect(await store.sessions.findRefreshToken(first.token.tokenHash)).toEqual(
      unused(first.token),
    );
    expect(await store.sessions.findRefreshToken(fine.tokenHash)).toEqual(unused(fine));
    await store.close();
  });

  it('when the write lock cannot be had, then every rotation of the turn fails as unavailable and none is written', async () => {
    const path = databaseFile();
    const store = openSqliteStores(path);
    const signed = await signedIn(store, 3);
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');

    const results = await Promise.allSettled(
      signed.map(({ session, token }) =>
        store.sessions.rotateRefreshToken(token.tokenHash, newToken(session), at(HOUR)),
      ),
    );
    other.exec('ROLLBACK');
    other.close();

    for (const result of results) {
      expect(result.status).toBe('rejected');
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(StoreUnavailableError);
    }
    for (const { token } of signed) {
      expect(await store.sessions.findRefreshToken(token.tokenHash)).toEqual(unused(token));
    }
    await store.close();
  });

  it('when the store closes with rotations queued, then they are committed first', async () => {
    const path = databaseFile();
    const store = openSqliteStores(path);
    const [first] = await signedIn(store, 1);
    if (!first) throw new Error('arrange');
    const { session, token } = first;
    const successor = newToken(session);

    const rotation = store.sessions.rotateRefreshToken(token.tokenHash, successor, at(HOUR));
    await store.close();

    await expect(rotation).resolves.toEqual(ROTATED);
    const reopened = openSqliteStores(path);
    expect(await reopened.sessions.findRefreshToken(successor.tokenHash)).toEqual(
      unused(successor),
    );
    await reopened.close();
  });
});
