// How the SQLite adapter reads its driver's errors: by result code, never by message text.
import Database from 'better-sqlite3';

// Result codes that mean the file cannot be written or reached now (read-only, locked past busy_timeout, disk
// full or failing), as opposed to a bug. Extended codes (SQLITE_IOERR_WRITE, …) share their primary code's prefix.
const UNAVAILABLE_CODES = [
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_READONLY',
  'SQLITE_IOERR',
  'SQLITE_FULL',
  'SQLITE_CANTOPEN',
  'SQLITE_PERM',
];

export function isSqliteUnavailable(error: unknown): boolean {
  if (!(error instanceof Database.SqliteError)) return false;
  return UNAVAILABLE_CODES.some((code) => error.code === code || error.code.startsWith(`${code}_`));
}

/** The one place this adapter recognizes the duplicate-key error (only the live-email index can raise it). */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Database.SqliteError && error.code === 'SQLITE_CONSTRAINT_UNIQUE';
}
