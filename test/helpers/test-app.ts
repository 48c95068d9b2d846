// Builds the real app for API tests: in-memory SQLite, a fake clock, bcrypt at cost 4, logs captured, and a witness
// of every change the app makes through its stores.
import Database from 'better-sqlite3';
import type { Express } from 'express';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { assembleApp, type Lifecycle } from '../../src/app.js';
import {
  createBcryptHasher,
  type PasswordHasher,
} from '../../src/auth/passwords/password-hasher.js';
import { loadConfig, type Config } from '../../src/config/config.js';
import {
  openAccessTokenKeys,
  type OpenedAccessTokenKeys,
} from '../../src/keys/access-token-keys.js';
import { createLogger, type Logger } from '../../src/observability/logger.js';
import { buildOpenApiDocument, type OpenApiDocument } from '../../src/openapi/openapi-document.js';
import type { CounterStore } from '../../src/limits/counter-store.js';
import type { Stores } from '../../src/storage/ports/stores.js';
import { createSqliteStores } from '../../src/storage/sqlite/sqlite-stores.js';
import { rememberDocumentedApp } from './documented-apps.js';
import { FakeClock } from './fake-clock.js';
import { LogCapture } from './log-capture.js';
import { StoreWrites } from './store-writes.js';

export const TEST_SECRETS = {
  JWT_ACCESS_SECRET: 'test-access-secret-0123456789-abcdefghijklmnop',
  JWT_REFRESH_SECRET: 'test-refresh-secret-0123456789-abcdefghijklmno',
};

export interface TestApp {
  app: Express;
  config: Config;
  /**
   * The real stores under the app (not its session cache, not a fault from `options.stores`): tests read and
   * arrange state through these ports, as another instance sharing the store would.
   */
  stores: Stores;
  /** Every call through which the app changed its stores (see store-writes.ts). */
  writes: StoreWrites;
  clock: FakeClock;
  logs: LogCapture;
  /** The logger the app writes to (into `logs`), for parts a test builds beside the app. */
  logger: Logger;
  hasher: PasswordHasher;
  lifecycle: Lifecycle;
  /** The access-token keys the app signs with (reload() re-reads an ES256 key directory, as SIGHUP does). */
  signing: OpenedAccessTokenKeys;
  /** The API document of this app: rendered from the operation tables it serves. */
  document: () => OpenApiDocument;
}

export interface TestAppOptions {
  /** Extra environment variables, as an operator would set them. */
  env?: Record<string, string>;
  /** Replaces the stores the app is given, e.g. with a failing fake over the (witnessed) real ones. */
  stores?: (real: Stores) => Stores;
  hasher?: PasswordHasher;
  /** A database of the test's own, for faults only SQLite shows (read-only, locked by another process). */
  db?: Database.Database;
  /** Another test app's real stores, to share one store between apps (e.g. before and after a secret rotation). */
  sharedStores?: Stores;
  /** Counters standing in for a shared (Redis) store, which readiness then checks. */
  sharedCounters?: CounterStore;
}

export function buildTestApp(options: TestAppOptions = {}): TestApp {
  const { config } = loadConfig({
    NODE_ENV: 'test',
    ...TEST_SECRETS,
    // ES256 tests get a key directory of their own unless they name one.
    ...(options.env?.JWT_ACCESS_ALG === 'ES256' ? { JWT_KEYS_DIR: temporaryKeysDir() } : {}),
    ...options.env,
  });
  const realStores =
    options.sharedStores ?? createSqliteStores(options.db ?? new Database(':memory:'));
  const writes = new StoreWrites();
  const witnessed = writes.witness(realStores);
  const stores = options.stores ? options.stores(witnessed) : witnessed;
  const clock = new FakeClock();
  const logs = new LogCapture();
  const logger = createLogger({ level: 'debug', destination: logs.stream });
  const hasher = options.hasher ?? createBcryptHasher(4);
  const lifecycle: Lifecycle = { shuttingDown: false };
  const signing = openAccessTokenKeys(config, logger, new Date(clock.now()));
  onTestFinished(() => {
    signing.close();
  });
  const { app, sections } = assembleApp({
    accessKeys: signing.keys,
    config,
    stores,
    clock,
    logger,
    hasher,
    lifecycle,
    ...(options.sharedCounters ? { counters: options.sharedCounters, sharedCounters: true } : {}),
  });
  let document: OpenApiDocument | undefined;
  const documentOfApp = () => (document ??= buildOpenApiDocument(config, sections));
  // Every answer this app gives supertest is checked against the API document (test/setup/).
  rememberDocumentedApp(app, config, documentOfApp);
  if (!options.db && !options.sharedStores) onTestFinished(() => realStores.close());
  return {
    app,
    config,
    stores: realStores,
    writes,
    clock,
    logs,
    logger,
    hasher,
    lifecycle,
    signing,
    document: documentOfApp,
  };
}

/** A fresh directory for an ES256 key ring, removed when the test ends. */
export function temporaryKeysDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'auth-keys-'));
  onTestFinished(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  return join(dir, 'keys');
}
