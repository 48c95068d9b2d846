// Chooses and opens the configured store adapter.
import type { Config } from '../config/config.js';
import type { AuthStore } from './ports.js';
import { openSqliteStore } from './sqlite/sqlite-store.js';

export function openStore(config: Config): Promise<AuthStore> {
  return Promise.resolve(openSqliteStore(config.storage.sqlitePath));
}
