// The one-time tokens port on better-sqlite3. Issuing is one transaction (supersede the user's unused tokens of the
// purpose, insert the new one), taken under the write lock, so of any number of issues only the last one's token is
// left consumable. Consuming is one conditional UPDATE: of concurrent calls exactly one changes the row; the others
// read it back to say why not.
import type { Database } from 'better-sqlite3';
import type {
  ConsumeOneTimeTokenOutcome,
  NewOneTimeToken,
  OneTimeTokenPurpose,
  OneTimeTokenStore,
} from '../ports/one-time-token-store.js';
import { toOneTimeToken, type OneTimeTokenRow } from './rows.js';
import { STATEMENTS } from './statements.js';

type NewOneTimeTokenRow = Omit<OneTimeTokenRow, 'used_at' | 'superseded_at'>;

/** Why a token with this hash was not consumed, from its row as it stands. */
function refusal(
  row: OneTimeTokenRow | undefined,
  purpose: OneTimeTokenPurpose,
): ConsumeOneTimeTokenOutcome {
  // A purpose never tells about another's tokens.
  if (!row || row.purpose !== purpose) return { outcome: 'unknown' };
  if (row.used_at !== null) return { outcome: 'used' };
  if (row.superseded_at !== null) return { outcome: 'superseded' };
  return { outcome: 'expired' };
}

export function createSqliteOneTimeTokenStore(db: Database): OneTimeTokenStore {
  const sql = {
    supersede: db.prepare<[number, string, OneTimeTokenPurpose]>(STATEMENTS.supersedeOneTimeTokens),
    insert: db.prepare<[NewOneTimeTokenRow]>(STATEMENTS.insertOneTimeToken),
    consume: db.prepare<[number, string, OneTimeTokenPurpose, number], OneTimeTokenRow>(
      STATEMENTS.consumeOneTimeToken,
    ),
    byHash: db.prepare<[string], OneTimeTokenRow>(STATEMENTS.oneTimeTokenByHash),
    consumable: db.prepare<[string, OneTimeTokenPurpose, number], OneTimeTokenRow>(
      STATEMENTS.consumableOneTimeToken,
    ),
    sweep: db.prepare<[number, number]>(STATEMENTS.sweepOneTimeTokens),
  };

  const issueTx = db.transaction((token: NewOneTimeToken, nowMs: number) => {
    sql.supersede.run(nowMs, token.userId, token.purpose);
    sql.insert.run({
      id: token.id,
      purpose: token.purpose,
      user_id: token.userId,
      email: token.email,
      token_hash: token.tokenHash,
      created_at: token.createdAt.getTime(),
      expires_at: token.expiresAt.getTime(),
    });
  });

  return {
    async issueOneTimeToken(token, now) {
      // IMMEDIATE: instances sharing the file take the write lock before reading which tokens to supersede.
      issueTx.immediate(token, now.getTime());
    },

    async consumeOneTimeToken(tokenHash, purpose, now) {
      const nowMs = now.getTime();
      const consumed = sql.consume.get(nowMs, tokenHash, purpose, nowMs);
      if (consumed) return { outcome: 'consumed', token: toOneTimeToken(consumed) };
      return refusal(sql.byHash.get(tokenHash), purpose);
    },

    async findConsumableOneTimeToken(tokenHash, purpose, now) {
      const row = sql.consumable.get(tokenHash, purpose, now.getTime());
      return row && toOneTimeToken(row);
    },

    async sweepExpiredOneTimeTokens(now, limit) {
      return sql.sweep.run(now.getTime(), limit).changes;
    },
  };
}
