// Refresh-token rotation on MongoDB, with no transaction and no update a guarantee rests on (mongo-documents.ts says
// why). The atomic step is the successor's insert under its unique `rotatedFrom`: of concurrent rotations of one
// token exactly one is stored. Rotation is ordered against revocation by looking for the revocation after that
// insert: the rotation takes effect at that look, and one that finds the session ended removes its successor and
// answers 'revoked'. A replay under the reuse grace (DESIGN section 9) is counted by an insert into one of the cap's
// places, so no more replays than the cap are ever answered, and it is answered with the one stored successor.
import type { NewRefreshToken, ReuseGrace, RotationOutcome } from '../ports/session-store.js';
import {
  replayKey,
  toRefreshToken,
  type RefreshTokenDocument,
  type SessionDocument,
  type SessionRevocationDocument,
} from './mongo-documents.js';
import { isDuplicateKey } from './mongo-errors.js';
import type { MongoModels } from './mongo-models.js';
import * as query from './mongo-queries.js';

type Refusal = Exclude<RotationOutcome, { outcome: 'rotated' }>;

export const tokenDocument = (
  token: NewRefreshToken,
  rotatedFrom: string,
): RefreshTokenDocument => ({
  _id: token.id,
  sessionId: token.sessionId,
  userId: token.userId,
  tokenHash: token.tokenHash,
  createdAt: token.createdAt,
  expiresAt: token.expiresAt,
  usedAt: null,
  replacedById: null,
  rotatedFrom,
});

export function createMongoRotation(models: MongoModels) {
  const { sessions, sessionRevocations, refreshTokens, refreshTokenReplays } = models;

  const revocationOf = (sessionId: string) =>
    sessionRevocations.findOne(query.byId(sessionId)).lean<SessionRevocationDocument>();

  const successorOf = (tokenId: string) =>
    refreshTokens.findOne(query.successorOf(tokenId)).lean<RefreshTokenDocument>();

  /**
   * The tokens the session issued after this one: those of a later instant, and those of its own instant down its
   * chain (a token rotated in the millisecond it was issued is newer by the chain, not by time).
   */
  async function generationsAfter(token: RefreshTokenDocument): Promise<number> {
    let count = await refreshTokens.countDocuments(
      query.newerTokensOfSession(token.sessionId, token.createdAt),
    );
    let next = await successorOf(token._id);
    while (next && next.createdAt.getTime() === token.createdAt.getTime()) {
      count += 1;
      next = await successorOf(next._id);
    }
    return count;
  }

  async function reused(token: RefreshTokenDocument, usedAt: Date): Promise<Refusal> {
    return {
      outcome: 'reused',
      sessionId: token.sessionId,
      userId: token.userId,
      usedAt,
      generationsBehind: await generationsAfter(token),
    };
  }

  /** Takes the first free place below the cap for one more replay of `token`; false when every place is taken. */
  async function countReplay(token: RefreshTokenDocument, maxReplays: number): Promise<boolean> {
    let place = await refreshTokenReplays.countDocuments(query.replaysOf(token._id));
    for (; place < maxReplays; place += 1) {
      try {
        const replay = { _id: replayKey(token._id, place), tokenId: token._id };
        await refreshTokenReplays.create({ ...replay, expiresAt: token.expiresAt });
        return true;
      } catch (error) {
        if (!isDuplicateKey(error, '_id')) throw error;
      }
    }
    return false;
  }

  /**
   * A used token: its successor again while the grace allows it (the replay counted first), else reuse. The
   * successor's own use is its successor's existence, which the insert of rotation makes certain; its `usedAt` may
   * lag.
   */
  async function graceOrReuse(
    token: RefreshTokenDocument,
    session: SessionDocument,
    now: Date,
    grace: ReuseGrace,
  ): Promise<RotationOutcome> {
    const successor = grace.windowMs > 0 ? await successorOf(token._id) : null;
    const usedAt = token.usedAt ?? successor?.createdAt ?? now;
    if (
      !successor ||
      now.getTime() - successor.createdAt.getTime() > grace.windowMs ||
      session.expiresAt <= now ||
      successor.expiresAt <= now ||
      (await successorOf(successor._id)) !== null ||
      !(await countReplay(token, grace.maxReplays))
    ) {
      return reusedUnlessRevoked(token, usedAt);
    }
    // Counted before this look, so a revocation after it ends a session whose replay came first.
    const revocation = await revocationOf(token.sessionId);
    if (revocation) return { outcome: 'revoked', reason: revocation.reason };
    return { outcome: 'graced', successor: toRefreshToken(successor) };
  }

  /**
   * Reuse, unless the session has ended meanwhile. Without a transaction the evidence of reuse can be an effect of
   * that ending (a successor taken back, grace places spent by replays that then met the revocation): a session that
   * has ended answers 'revoked', as an atomic store would for a call ordered after the revocation.
   */
  async function reusedUnlessRevoked(
    token: RefreshTokenDocument,
    usedAt: Date,
  ): Promise<RotationOutcome> {
    const revocation = await revocationOf(token.sessionId);
    if (revocation) return { outcome: 'revoked', reason: revocation.reason };
    return reused(token, usedAt);
  }

  /** Why `token` cannot rotate at `now`, from its session as it stands; undefined when nothing stands in the way. */
  async function refusalFor(
    token: RefreshTokenDocument,
    now: Date,
    grace: ReuseGrace,
  ): Promise<RotationOutcome | undefined> {
    const [session, revocation] = await Promise.all([
      sessions.findOne(query.byId(token.sessionId)).lean<SessionDocument>(),
      revocationOf(token.sessionId),
    ]);
    if (!session) return { outcome: 'unknown' };
    if (revocation) return { outcome: 'revoked', reason: revocation.reason };
    if (token.usedAt !== null) return graceOrReuse(token, session, now, grace);
    if (token.expiresAt <= now || session.expiresAt <= now) return { outcome: 'expired' };
    return undefined;
  }

  /**
   * Stores `token` under `rotatedFrom`, then keeps it only if its session has not been revoked. Resolves to 'stored',
   * 'taken' (another token already holds that key) or the revocation that came first (nothing is kept).
   */
  async function storeInLiveSession(
    token: NewRefreshToken,
    rotatedFrom: string,
  ): Promise<'stored' | 'taken' | SessionRevocationDocument> {
    try {
      await refreshTokens.create(tokenDocument(token, rotatedFrom));
    } catch (error) {
      if (isDuplicateKey(error, 'rotatedFrom')) return 'taken';
      throw error;
    }
    const revocation = await revocationOf(token.sessionId);
    if (!revocation) return 'stored';
    await refreshTokens.deleteOne(query.byId(token.id));
    return revocation;
  }

  return async function rotateRefreshToken(
    tokenHash: string,
    successor: NewRefreshToken,
    now: Date,
    grace: ReuseGrace,
  ): Promise<RotationOutcome> {
    const token = await refreshTokens
      .findOne(query.refreshTokenByHash(tokenHash))
      .lean<RefreshTokenDocument>();
    if (!token || token.sessionId !== successor.sessionId || token.userId !== successor.userId) {
      return { outcome: 'unknown' };
    }
    const refusal = await refusalFor(token, now, grace);
    if (refusal) return refusal;
    const stored = await storeInLiveSession(successor, token._id);
    if (stored === 'taken') {
      // Another rotation of this token won a moment ago: a replay like any other. Unless the session ended meanwhile:
      // the winner may then have taken its successor back, and this call must not read its key as reuse.
      const revocation = await revocationOf(token.sessionId);
      if (revocation) return { outcome: 'revoked', reason: revocation.reason };
      const session = await sessions.findOne(query.byId(token.sessionId)).lean<SessionDocument>();
      return session
        ? graceOrReuse({ ...token, usedAt: now }, session, now, grace)
        : { outcome: 'unknown' };
    }
    if (stored !== 'stored') return { outcome: 'revoked', reason: stored.reason };
    await Promise.all([
      refreshTokens.updateOne(
        query.unusedRefreshToken(token._id),
        query.markRefreshTokenUsed(now, successor.id),
      ),
      sessions.updateOne(query.byId(token.sessionId), query.touchSession(now)),
    ]);
    return { outcome: 'rotated' };
  };
}
