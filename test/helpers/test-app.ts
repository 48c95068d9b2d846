// Builds the real app for API tests: in-memory SQLite, a fake clock, bcrypt at cost 4, logs captured.
import Database from 'better-sqlite3';
import type { Express } from 'express';
import { onTestFinished } from 'vitest';
import { createApp, type Lifecycle } from '../../src/app.js';
import {
  createBcryptHasher,
  type PasswordHasher,
} from '../../src/auth/passwords/password-hasher.js';
import { loadConfig, type Config } from '../../src/config/config.js';
import { createLogger } from '../../src/observability/logger.js';
import type { CounterStore } from '../../src/limits/counter-store.js';
import type { Stores } from '../../src/storage/ports/stores.js';
import { createSqliteStores } from '../../src/storage/sqlite/sqlite-stores.js';
import { rememberDocumentedApp } from './documented-apps.js';
import { FakeClock } from './fake-clock.js';
import { LogCapture } from './log-capture.js';

export const TEST_SECRETS = {
  JWT_ACCESS_SECRET: 'test-access-secret-0123456789-abcdefghijklmnop',
  JWT_REFRESH_SECRET: 'test-refresh-secret-0123456789-abcdefghijklmno',
};

export interface TestApp {
  app: Express;
  config: Config;
  stores: Stores;
  db: Database.Database;
  clock: FakeClock;
  logs: LogCapture;
  hasher: PasswordHasher;
  lifecycle: Lifecycle;
}

export interface TestAppOptions {
  /** Extra environment variables, as an operator would set them. */
  env?: Record<string, string>;
  /** Replaces the stores, e.g. with a failing fake. */
  stores?: (real: Stores) => Stores;
  hasher?: PasswordHasher;
  /** An existing database, to share one store between apps (e.g. before and after a secret rotation). */
  db?: Database.Database;
  /** Counters standing in for a shared (Redis) store, which readiness then checks. */
  sharedCounters?: CounterStore;
}

export function buildTestApp(options: TestAppOptions = {}): TestApp {
  const { config } = loadConfig({ NODE_ENV: 'test', ...TEST_SECRETS, ...options.env });
  const db = options.db ?? new Database(':memory:');
  const realStores = createSqliteStores(db);
  const stores = options.stores ? options.stores(realStores) : realStores;
  const clock = new FakeClock();
  const logs = new LogCapture();
  const logger = createLogger({ level: 'debug', destination: logs.stream });
  const hasher = options.hasher ?? createBcryptHasher(4);
  const lifecycle: Lifecycle = { shuttingDown: false };
  const app = createApp({
    config,
    stores,
    clock,
    logger,
    hasher,
    lifecycle,
    ...(options.sharedCounters ? { counters: options.sharedCounters, sharedCounters: true } : {}),
  });
  // Every answer this app gives supertest is checked against the API document (test/setup/).
  rememberDocumentedApp(app, config);
  if (!options.db) onTestFinished(() => realStores.close());
  return { app, config, stores, db, clock, logs, hasher, lifecycle };
}
