import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import request from 'supertest';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ErrorCodes } from '../../src/errors/error-catalogue.js';
import { StoreUnavailableError, type Stores } from '../../src/storage/ports/stores.js';
import { newAccountInput, registerAccount } from '../helpers/accounts.js';
import { expectError } from '../helpers/api-calls.js';
import { buildTestApp } from '../helpers/test-app.js';

const unreachable = (real: Stores): Stores => ({
  ...real,
  users: {
    ...real.users,
    findLiveUserByEmail: () =>
      Promise.reject(
        new StoreUnavailableError({ cause: new Error('connect ECONNREFUSED 10.0.0.5:27017') }),
      ),
  },
});

function fileDatabase(): Database.Database {
  const dir = mkdtempSync(join(tmpdir(), 'auth-unavailable-'));
  const db = new Database(join(dir, 'auth.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 50');
  onTestFinished(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return db;
}

describe('when the store is unavailable', () => {
  it('when the store cannot be reached, then 503 SERVICE_UNAVAILABLE with Retry-After, and a warning in the log', async () => {
    const { app, logs } = buildTestApp({ stores: unreachable });

    const response = await request(app)
      .post('/api/auth/login')
      .send({ email: 'a@example.com', password: 'Secret-123!' });

    expectError(response, ErrorCodes.SERVICE_UNAVAILABLE);
    expect(response.body).toEqual({
      success: false,
      message: 'The service is temporarily unavailable.',
      error: ErrorCodes.SERVICE_UNAVAILABLE,
    });
    expect(response.headers['retry-after']).toBe('5');
    expect(response.text).not.toContain('ECONNREFUSED');
    const [warning] = logs.lines.filter((line) => line.msg === 'store unavailable');
    expect(warning).toMatchObject({ level: 'warn', reqId: response.headers['x-request-id'] });
    expect(logs.text).not.toContain('Secret-123!');
  });

  it('when the SQLite database is read-only, then registering answers 503 and stores nothing', async () => {
    // The fault is SQLite's own: the connection refuses writes, as on a read-only file or volume.
    const db = new Database(':memory:');
    onTestFinished(() => {
      db.close();
    });
    const { app, stores } = buildTestApp({ db });
    db.pragma('query_only = ON');
    const input = newAccountInput();

    const response = await request(app).post('/api/auth/register').send(input);

    expectError(response, ErrorCodes.SERVICE_UNAVAILABLE);
    db.pragma('query_only = OFF');
    expect(await stores.users.findLiveUserByEmail(input.email)).toBeUndefined();
  });

  it('when another process holds the SQLite write lock, then writes answer 503 and work again once it is released', async () => {
    const db = fileDatabase();
    const { app } = buildTestApp({ db });
    const account = await registerAccount(app);
    const other = new Database(db.name);
    onTestFinished(() => {
      if (other.open) other.close();
    });
    other.exec('BEGIN EXCLUSIVE');

    const whileLocked = await request(app)
      .post('/api/auth/login')
      .send({ email: account.email, password: account.password });

    expectError(whileLocked, ErrorCodes.SERVICE_UNAVAILABLE);
    other.exec('COMMIT');
    const afterwards = await request(app)
      .post('/api/auth/login')
      .send({ email: account.email, password: account.password });
    expect(afterwards.status).toBe(200);
  });
});
