// Chooses and opens the configured store adapter: MongoDB when MONGODB_URI is set, the embedded SQLite otherwise.
import type { Config } from '../config/config.js';
import type { Logger } from '../observability/logger.js';
import { describeMongoUri, openMongoStore } from './mongo/mongo-connection.js';
import type { AuthStore } from './ports.js';
import { openSqliteStore } from './sqlite/sqlite-store.js';

export function openStore(config: Config, logger: Logger): Promise<AuthStore> {
  const { storage } = config;
  if (storage.kind === 'mongodb') return openMongoStore(storage, logger);
  return Promise.resolve(openSqliteStore(storage.path));
}

/** Where the store lives, safe to log (no credentials). */
export function describeStore(config: Config): string {
  const { storage } = config;
  return storage.kind === 'mongodb' ? describeMongoUri(storage.uri) : `sqlite:${storage.path}`;
}
