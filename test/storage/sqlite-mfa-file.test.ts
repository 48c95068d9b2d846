// What the second factor leaves in the SQLite file: exactly the sealed secret and the code hashes it was given, in
// the columns the schema names, and nothing else (no column where a readable secret or code could sit). The sealing
// and hashing happen in the service; this proves the store adds no copy of its own.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { openSqliteStores } from '../../src/storage/sqlite/sqlite-stores.js';
import { at } from '../contract/fixtures.js';
import { MINUTE, newPendingFactor, newRecoveryCodes } from '../contract/mfa-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'auth-mfa-file-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function columnsOf(db: Database.Database, table: string): string[] {
  return db
    .prepare<[string], { name: string }>('SELECT name FROM pragma_table_info(?) ORDER BY cid')
    .all(table)
    .map((column) => column.name);
}

describe('sqlite mfa store on a file', () => {
  it('when a factor is confirmed with its codes, then the file holds exactly the sealed secret and hashes given', async () => {
    const path = join(dir, 'auth.db');
    const stores = openSqliteStores(path);
    const sealedSecret = 'v1.key-1.c2VhbGVk.c2VjcmV0.dGFn';
    const factor = newPendingFactor({ sealedSecret });
    const codes = newRecoveryCodes(2);
    await stores.mfa.savePendingFactor(factor);
    await stores.mfa.activateFactor(factor.userId, factor.id, 42, codes, at(MINUTE));
    await stores.close();

    const db = new Database(path, { readonly: true });
    onTestFinished(() => {
      db.close();
    });
    expect(columnsOf(db, 'mfa_factors')).toEqual([
      'user_id',
      'id',
      'sealed_secret',
      'status',
      'created_at',
      'pending_until',
      'confirmed_at',
      'last_used_step',
    ]);
    expect(columnsOf(db, 'mfa_recovery_codes')).toEqual([
      'user_id',
      'lookup_id',
      'code_hash',
      'used_at',
    ]);
    expect(db.prepare('SELECT * FROM mfa_factors').all()).toEqual([
      {
        user_id: factor.userId,
        id: factor.id,
        sealed_secret: sealedSecret,
        status: 'active',
        created_at: factor.createdAt.getTime(),
        pending_until: null,
        confirmed_at: at(MINUTE).getTime(),
        last_used_step: 42,
      },
    ]);
    expect(db.prepare('SELECT * FROM mfa_recovery_codes ORDER BY lookup_id').all()).toEqual(
      codes.map((code) => ({
        user_id: factor.userId,
        lookup_id: code.lookupId,
        code_hash: code.codeHash,
        used_at: null,
      })),
    );
    // The bytes on disk carry the values as given (checkpointed on close), not a transformed copy.
    const bytes = readFileSync(path).toString('latin1');
    expect(bytes).toContain(sealedSecret);
    for (const code of codes) expect(bytes).toContain(code.codeHash);
  });
});
