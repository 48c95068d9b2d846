// Chooses and opens the configured adapter: MongoDB when MONGODB_URI is set, the embedded SQLite otherwise.
import type { Config } from '../config/config.js';
import type { Logger } from '../observability/logger.js';
import { describeMongoUri, openMongoStores } from './mongo/mongo-connection.js';
import type { Stores } from './ports/stores.js';
import { openSqliteStores } from './sqlite/sqlite-stores.js';

export function openStores(config: Config, logger: Logger): Promise<Stores> {
  const { storage } = config;
  if (storage.kind === 'mongodb') return openMongoStores(storage, logger);
  return Promise.resolve(openSqliteStores(storage.path));
}

/** Where the store lives, safe to log (no credentials). */
export function describeStore(config: Config): string {
  const { storage } = config;
  return storage.kind === 'mongodb' ? describeMongoUri(storage.uri) : `sqlite:${storage.path}`;
}
