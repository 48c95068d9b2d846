// Every SQL statement the adapter runs, in one place, so a test can check each one's query plan uses an index.

export const STATEMENTS = {
  insertUser: `INSERT INTO users (id, email, email_verified, name, role, password_hash, created_at, updated_at, password_changed_at, deleted_at)
    VALUES (@id, @email, @email_verified, @name, @role, @password_hash, @created_at, @updated_at, @password_changed_at, @deleted_at)`,
  liveUserByEmail: 'SELECT * FROM users WHERE email = ? AND deleted_at IS NULL',
  liveUserById: 'SELECT * FROM users WHERE id = ? AND deleted_at IS NULL',
  updatePasswordHash: `UPDATE users SET password_hash = ?, password_changed_at = ?, updated_at = ?
    WHERE id = ? AND deleted_at IS NULL`,
  rehashPassword: `UPDATE users SET password_hash = ?, updated_at = ?
    WHERE id = ? AND password_hash = ? AND deleted_at IS NULL`,
  softDeleteUser:
    'UPDATE users SET deleted_at = ?, updated_at = ? WHERE id = ? AND deleted_at IS NULL',
  // updated_at moves only when the flag does, so a repeated mark changes nothing.
  markEmailVerified: `UPDATE users SET updated_at = CASE email_verified WHEN 1 THEN updated_at ELSE ? END,
    email_verified = 1 WHERE id = ? AND deleted_at IS NULL`,
  // The live-email index makes this atomic against every other claim on the address.
  changeEmail: `UPDATE users SET email = ?, email_verified = 1, updated_at = ?
    WHERE id = ? AND deleted_at IS NULL`,
  // One-time tokens (sqlite-one-time-token-store.ts): issuing supersedes the unused ones of the user and purpose.
  supersedeOneTimeTokens: `UPDATE one_time_tokens SET superseded_at = ?
    WHERE user_id = ? AND purpose = ? AND used_at IS NULL AND superseded_at IS NULL`,
  insertOneTimeToken: `INSERT INTO one_time_tokens (id, purpose, user_id, email, token_hash, created_at, expires_at, used_at, superseded_at)
    VALUES (@id, @purpose, @user_id, @email, @token_hash, @created_at, @expires_at, NULL, NULL)`,
  // The compare-and-set of consuming: only a consumable token is marked, and the row comes back with the mark.
  consumeOneTimeToken: `UPDATE one_time_tokens SET used_at = ?
    WHERE token_hash = ? AND purpose = ? AND used_at IS NULL AND superseded_at IS NULL AND expires_at > ?
    RETURNING *`,
  oneTimeTokenByHash: 'SELECT * FROM one_time_tokens WHERE token_hash = ?',
  // The same conditions as consuming, without the mark.
  consumableOneTimeToken: `SELECT * FROM one_time_tokens
    WHERE token_hash = ? AND purpose = ? AND used_at IS NULL AND superseded_at IS NULL AND expires_at > ?`,
  sweepOneTimeTokens: `DELETE FROM one_time_tokens WHERE rowid IN
    (SELECT rowid FROM one_time_tokens WHERE expires_at < ? LIMIT ?)`,
  insertSession: `INSERT INTO sessions (id, user_id, created_at, last_used_at, expires_at, revoked_at, revoked_reason, user_agent, ip, amr)
    VALUES (@id, @user_id, @created_at, @last_used_at, @expires_at, @revoked_at, @revoked_reason, @user_agent, @ip, @amr)`,
  liveSession: 'SELECT * FROM sessions WHERE id = ? AND revoked_at IS NULL AND expires_at > ?',
  insertToken: `INSERT INTO refresh_tokens (id, session_id, user_id, token_hash, created_at, expires_at, used_at, replaced_by_id)
    VALUES (@id, @session_id, @user_id, @token_hash, @created_at, @expires_at, @used_at, @replaced_by_id)`,
  tokenByHash: 'SELECT * FROM refresh_tokens WHERE token_hash = ?',
  rotationState: `SELECT t.rowid AS row_id, t.id, t.session_id, t.user_id, t.used_at, t.expires_at,
           t.created_at, t.replaced_by_id, t.grace_replays,
           s.revoked_at AS session_revoked_at, s.revoked_reason AS session_revoked_reason,
           s.expires_at AS session_expires_at
      FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id
     WHERE t.token_hash = ?`,
  // Tokens have no index on their id (migration 2): the successor is found among its session's tokens.
  sessionToken: 'SELECT * FROM refresh_tokens WHERE session_id = ? AND id = ?',
  // The grace's count: a replay is answered only while the count is under the cap, and counted in the same step.
  countGraceReplay:
    'UPDATE refresh_tokens SET grace_replays = grace_replays + 1 WHERE rowid = ? AND grace_replays < ?',
  newerSessionTokens:
    'SELECT count(*) AS count FROM refresh_tokens WHERE session_id = ? AND created_at > ?',
  // The compare-and-set of rotation: only an unused token is marked.
  markTokenUsed:
    'UPDATE refresh_tokens SET used_at = ?, replaced_by_id = ? WHERE rowid = ? AND used_at IS NULL',
  touchSession: 'UPDATE sessions SET last_used_at = ? WHERE id = ?',
  revokeSession:
    'UPDATE sessions SET revoked_at = ?, revoked_reason = ? WHERE id = ? AND revoked_at IS NULL',
  revokeUserSessions: `UPDATE sessions SET revoked_at = ?, revoked_reason = ?
    WHERE user_id = ? AND revoked_at IS NULL AND id != ?`,
  liveSessionsOfUser: `SELECT * FROM sessions
    WHERE user_id = ? AND revoked_at IS NULL AND expires_at > ?
    ORDER BY last_used_at DESC`,
  sessionById: 'SELECT * FROM sessions WHERE id = ?',
  revokedSessionsOfUser: `SELECT * FROM sessions
    WHERE user_id = ? AND revoked_at >= ?
    ORDER BY revoked_at DESC`,
  sweepTokens: `DELETE FROM refresh_tokens WHERE rowid IN
    (SELECT rowid FROM refresh_tokens WHERE expires_at < ? LIMIT ?)`,
  // A session goes only once its tokens are gone, so the token sweep stays the bounded one.
  sweepSessions: `DELETE FROM sessions WHERE id IN
    (SELECT id FROM sessions WHERE expires_at < ?
        AND NOT EXISTS (SELECT 1 FROM refresh_tokens t WHERE t.session_id = sessions.id)
      LIMIT ?)`,
  enqueueMail: `INSERT INTO mail_outbox (id, kind, sealed, created_at, not_after, state, attempts, next_attempt_at)
    VALUES (@id, @kind, @sealed, @created_at, @not_after, 'pending', 0, @created_at)`,
  mailById: 'SELECT * FROM mail_outbox WHERE id = ?',
  // Due: pending, its time come, and under no lease that still holds. Earliest due first, in the order of the due
  // index, so the LIMIT stops the walk: ordering by age instead sorted the whole backlog on every lease.
  dueMails: `SELECT * FROM mail_outbox
    WHERE state = 'pending' AND next_attempt_at <= @now AND (lease_until IS NULL OR lease_until <= @now)
    ORDER BY next_attempt_at LIMIT @limit`,
  leaseMail: 'UPDATE mail_outbox SET lease = ?, lease_until = ? WHERE id = ?',
  // An outcome is recorded only under the lease that holds (a retaken mail carries its new lease) and clears it, so
  // one lease records one attempt.
  markMailSent: `UPDATE mail_outbox
    SET state = 'sent', sealed = NULL, sent_at = ?, attempts = attempts + 1, lease = NULL, lease_until = NULL
    WHERE id = ? AND lease = ? AND state = 'pending'`,
  markMailRetry: `UPDATE mail_outbox
    SET last_error = ?, next_attempt_at = ?, attempts = attempts + 1, lease = NULL, lease_until = NULL
    WHERE id = ? AND lease = ? AND state = 'pending'`,
  markMailDead: `UPDATE mail_outbox
    SET state = 'dead', sealed = NULL, last_error = ?, attempts = attempts + 1, lease = NULL, lease_until = NULL
    WHERE id = ? AND lease = ? AND state = 'pending'`,
  pendingMails: `SELECT count(*) AS count, min(created_at) AS oldest_created_at FROM mail_outbox
    WHERE state = 'pending'`,
  sweepFinishedMails: `DELETE FROM mail_outbox WHERE id IN
    (SELECT id FROM mail_outbox WHERE state IN ('sent', 'dead') AND created_at < ? LIMIT ?)`,
  // The second factor (sqlite-mfa-store.ts). A setup replaces a pending factor, never an active one: the upsert
  // changes no row when the user's factor is active.
  savePendingFactor: `INSERT INTO mfa_factors (user_id, id, sealed_secret, status, created_at, pending_until, confirmed_at, last_used_step)
    VALUES (@user_id, @id, @sealed_secret, 'pending', @created_at, @pending_until, NULL, NULL)
    ON CONFLICT (user_id) DO UPDATE SET id = excluded.id, sealed_secret = excluded.sealed_secret,
      created_at = excluded.created_at, pending_until = excluded.pending_until
    WHERE mfa_factors.status = 'pending'`,
  factorOfUser: 'SELECT * FROM mfa_factors WHERE user_id = ?',
  // The compare-and-set of confirming: only the pending factor of that id, unexpired, goes live.
  activateFactor: `UPDATE mfa_factors SET status = 'active', pending_until = NULL, confirmed_at = ?, last_used_step = ?
    WHERE user_id = ? AND id = ? AND status = 'pending' AND pending_until > ?`,
  // The compare-and-set that keeps a TOTP code from being accepted twice.
  advanceTotpStep: `UPDATE mfa_factors SET last_used_step = ?
    WHERE user_id = ? AND id = ? AND status = 'active' AND (last_used_step IS NULL OR last_used_step < ?)`,
  resealSecret: `UPDATE mfa_factors SET sealed_secret = ?
    WHERE user_id = ? AND id = ? AND status = 'active' AND sealed_secret = ?`,
  deleteFactor: 'DELETE FROM mfa_factors WHERE user_id = ?',
  deleteRecoveryCodes: 'DELETE FROM mfa_recovery_codes WHERE user_id = ?',
  insertRecoveryCode: `INSERT INTO mfa_recovery_codes (user_id, lookup_id, code_hash, used_at)
    VALUES (@user_id, @lookup_id, @code_hash, NULL)`,
  unusedRecoveryCode: `SELECT c.lookup_id, c.code_hash, c.used_at
    FROM mfa_recovery_codes c JOIN mfa_factors f ON f.user_id = c.user_id
    WHERE c.user_id = ? AND c.lookup_id = ? AND c.used_at IS NULL AND f.status = 'active'`,
  useRecoveryCode: `UPDATE mfa_recovery_codes SET used_at = ?
    WHERE user_id = ? AND lookup_id = ? AND used_at IS NULL
      AND EXISTS (SELECT 1 FROM mfa_factors f WHERE f.user_id = mfa_recovery_codes.user_id AND f.status = 'active')`,
  countUnusedRecoveryCodes: `SELECT count(*) AS count
    FROM mfa_recovery_codes c JOIN mfa_factors f ON f.user_id = c.user_id
    WHERE c.user_id = ? AND c.used_at IS NULL AND f.status = 'active'`,
  insertMfaChallenge: `INSERT INTO mfa_challenges (id, user_id, token_hash, created_at, expires_at, failures, used_at, device_id)
    VALUES (@id, @user_id, @token_hash, @created_at, @expires_at, 0, NULL, @device_id)`,
  liveMfaChallenge: `SELECT * FROM mfa_challenges
    WHERE token_hash = ? AND used_at IS NULL AND expires_at > ? AND failures < ?`,
  // Counted only while the challenge is live and under the cap, in the same step: no failure past the cap counts.
  countMfaChallengeFailure: `UPDATE mfa_challenges SET failures = failures + 1
    WHERE token_hash = ? AND used_at IS NULL AND expires_at > ? AND failures < ?
    RETURNING failures`,
  consumeMfaChallenge: `UPDATE mfa_challenges SET used_at = ?
    WHERE token_hash = ? AND used_at IS NULL AND expires_at > ? AND failures < ?`,
  sweepMfaChallenges: `DELETE FROM mfa_challenges WHERE rowid IN
    (SELECT rowid FROM mfa_challenges WHERE expires_at < ? LIMIT ?)`,
  // Only pending factors have a pending_until (a CHECK says so); a pending factor has no recovery codes.
  sweepPendingFactors: `DELETE FROM mfa_factors WHERE user_id IN
    (SELECT user_id FROM mfa_factors WHERE pending_until < ? LIMIT ?)`,
} as const;
