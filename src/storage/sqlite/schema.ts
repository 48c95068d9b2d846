// The SQLite schema as numbered migrations, applied in order at start; PRAGMA user_version records how far a file is.
import type { Database } from 'better-sqlite3';

export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE users (
    id                  TEXT PRIMARY KEY,
    email               TEXT NOT NULL,
    name                TEXT NOT NULL,
    role                TEXT NOT NULL CHECK (role IN ('user', 'admin')),
    password_hash       TEXT NOT NULL,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    password_changed_at INTEGER NOT NULL,
    deleted_at          INTEGER
  ) STRICT;
  -- Unique among live accounts only, so a deleted account's email can register again.
  CREATE UNIQUE INDEX users_live_email ON users (email) WHERE deleted_at IS NULL;

  CREATE TABLE sessions (
    id             TEXT PRIMARY KEY,
    user_id        TEXT NOT NULL REFERENCES users (id),
    created_at     INTEGER NOT NULL,
    last_used_at   INTEGER NOT NULL,
    expires_at     INTEGER NOT NULL,
    revoked_at     INTEGER,
    revoked_reason TEXT,
    user_agent     TEXT,
    ip             TEXT
  ) STRICT;
  CREATE INDEX sessions_user ON sessions (user_id);
  CREATE INDEX sessions_expires ON sessions (expires_at);

  CREATE TABLE refresh_tokens (
    id             TEXT PRIMARY KEY,
    session_id     TEXT NOT NULL REFERENCES sessions (id),
    user_id        TEXT NOT NULL,
    token_hash     TEXT NOT NULL UNIQUE,
    created_at     INTEGER NOT NULL,
    expires_at     INTEGER NOT NULL,
    used_at        INTEGER,
    replaced_by_id TEXT
  ) STRICT;
  CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);
  CREATE INDEX refresh_tokens_expires ON refresh_tokens (expires_at);
  `,
  // 2: a refresh token is looked up by its hash, never by its id (the JWT's jti, a random UUID), so the id keeps no
  // index of its own. Every rotation inserts a row, and that index was one more b-tree page written each time
  // (bench/README.md, `93ff968`). Rows are marked used by rowid.
  `
  CREATE TABLE refresh_tokens_v2 (
    id             TEXT NOT NULL,
    session_id     TEXT NOT NULL REFERENCES sessions (id),
    user_id        TEXT NOT NULL,
    token_hash     TEXT NOT NULL UNIQUE,
    created_at     INTEGER NOT NULL,
    expires_at     INTEGER NOT NULL,
    used_at        INTEGER,
    replaced_by_id TEXT
  ) STRICT;
  INSERT INTO refresh_tokens_v2 (id, session_id, user_id, token_hash, created_at, expires_at, used_at, replaced_by_id)
    SELECT id, session_id, user_id, token_hash, created_at, expires_at, used_at, replaced_by_id FROM refresh_tokens;
  DROP TABLE refresh_tokens;
  ALTER TABLE refresh_tokens_v2 RENAME TO refresh_tokens;
  CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);
  CREATE INDEX refresh_tokens_expires ON refresh_tokens (expires_at);
  `,
  // 3: account recovery (DESIGN section 8): whether an account's address is verified, the one-time tokens recovery
  // mails carry (only their hash), and the mail outbox. Accounts from before count as unverified.
  `
  ALTER TABLE users ADD COLUMN email_verified INTEGER NOT NULL DEFAULT 0 CHECK (email_verified IN (0, 1));

  CREATE TABLE one_time_tokens (
    id            TEXT PRIMARY KEY,
    purpose       TEXT NOT NULL CHECK (purpose IN ('password_reset', 'email_verify', 'email_change')),
    user_id       TEXT NOT NULL,
    email         TEXT NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    used_at       INTEGER,
    superseded_at INTEGER
  ) STRICT;
  CREATE INDEX one_time_tokens_user_purpose ON one_time_tokens (user_id, purpose);
  CREATE INDEX one_time_tokens_expires ON one_time_tokens (expires_at);

  CREATE TABLE mail_outbox (
    id              TEXT PRIMARY KEY,
    kind            TEXT NOT NULL,
    sealed          TEXT,
    created_at      INTEGER NOT NULL,
    not_after       INTEGER NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'dead')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    sent_at         INTEGER,
    last_error      TEXT,
    lease           TEXT,
    lease_until     INTEGER
  ) STRICT;
  CREATE INDEX mail_outbox_due ON mail_outbox (state, next_attempt_at);
  CREATE INDEX mail_outbox_created ON mail_outbox (state, created_at);
  `,
  // 4: the reuse grace (DESIGN section 9) counts the replays it answered for each rotated token.
  `
  ALTER TABLE refresh_tokens ADD COLUMN grace_replays INTEGER NOT NULL DEFAULT 0;
  `,
  // 5: how the login that opened a session was authenticated (its access tokens' `amr`), comma-joined. Sessions
  // from before the second factor were opened by a password alone.
  `
  ALTER TABLE sessions ADD COLUMN amr TEXT NOT NULL DEFAULT 'pwd';
  `,
  // 6: the second factor (DESIGN section 11). One TOTP factor per user (its row is the user's), pending until
  // confirmed; its recovery codes, found by the short lookup id each code carries; the challenges a password-only
  // login leaves, found by their token's hash. Codes are replaced with their factor in one transaction, so none is
  // ever left without one.
  `
  CREATE TABLE mfa_factors (
    user_id        TEXT PRIMARY KEY,
    id             TEXT NOT NULL,
    sealed_secret  TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('pending', 'active')),
    created_at     INTEGER NOT NULL,
    pending_until  INTEGER,
    confirmed_at   INTEGER,
    last_used_step INTEGER,
    CHECK ((status = 'pending') = (pending_until IS NOT NULL))
  ) STRICT;
  -- Only pending factors have an end: the sweep finds the expired ones without walking the active ones.
  CREATE INDEX mfa_factors_pending_until ON mfa_factors (pending_until);

  CREATE TABLE mfa_recovery_codes (
    user_id   TEXT NOT NULL,
    lookup_id TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    used_at   INTEGER,
    PRIMARY KEY (user_id, lookup_id)
  ) STRICT;

  CREATE TABLE mfa_challenges (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    failures   INTEGER NOT NULL DEFAULT 0,
    used_at    INTEGER,
    device_id  TEXT
  ) STRICT;
  CREATE INDEX mfa_challenges_expires ON mfa_challenges (expires_at);
  `,
];

/**
 * Brings the file to the newest schema; refuses a file written by a newer version of the service. Runs under the
 * write lock (BEGIN IMMEDIATE), so instances starting together on one file migrate it once.
 */
export function migrate(db: Database): void {
  db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > MIGRATIONS.length) {
      throw new Error(
        `SQLite database is at schema version ${String(current)}, newer than this build knows (${String(MIGRATIONS.length)})`,
      );
    }
    for (const sql of MIGRATIONS.slice(current)) db.exec(sql);
    if (current < MIGRATIONS.length) db.pragma(`user_version = ${String(MIGRATIONS.length)}`);
  }).immediate();
}

/** At start-up another instance may hold the write lock for its migration (or WAL switch): waited for this long. */
const START_UP_BUSY_TIMEOUT_MS = 5000;
/**
 * Once serving: another process holding the write lock (two instances on one file) is waited for, not failed at
 * once. The driver is synchronous, so this wait holds the event loop: kept short (writes take well under a
 * millisecond), and past it the request answers 503.
 */
const REQUEST_BUSY_TIMEOUT_MS = 250;

/** Connection settings for start-up: set first, the busy timeout lets instances opening one file together wait. */
export function applyPragmas(db: Database, inMemory: boolean): void {
  db.pragma(`busy_timeout = ${String(START_UP_BUSY_TIMEOUT_MS)}`);
  if (!inMemory) db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
}

/** The busy timeout for serving requests, once the schema is in place. */
export function applyRequestBusyTimeout(db: Database): void {
  db.pragma(`busy_timeout = ${String(REQUEST_BUSY_TIMEOUT_MS)}`);
}
