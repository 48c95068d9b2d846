// The reference model of refresh-token families that refresh-family.model.contract.ts holds every adapter to: plain
// data and the rules of the sessions port (DESIGN section 9) written the short way, with no store, no race and no
// clock but its own. Each session is a chain of tokens in which every token but the last was rotated into the next,
// so a forked family or a resurrected session is a difference between the store and this model.
import type {
  NewRefreshToken,
  NewSession,
  RefreshTokenRecord,
  ReuseGrace,
  RevocationReason,
  RotationOutcome,
} from '../../src/storage/ports/session-store.js';
import { DAY, T0, newSession, newToken } from './fixtures.js';

/** Short lifetimes, so that long waits also reach the expiry of tokens and sessions. */
export const SESSION_LIFETIME_MS = 2 * DAY;
export const TOKEN_LIFETIME_MS = DAY;

export interface TokenState {
  token: NewRefreshToken;
  usedAt: number | null;
  /** Replays of this token answered 'graced'. */
  graced: number;
}

export interface SessionState {
  session: NewSession;
  revoked: { at: number; reason: RevocationReason } | null;
  /** The family, oldest first: each token but the last was rotated into the next; the last is the unused tip. */
  chain: TokenState[];
}

export interface FamilyModel {
  grace: ReuseGrace;
  /** The clock every call is made at (ms since the epoch); only waits move it. */
  now: number;
  userIds: string[];
  sessions: SessionState[];
  /** Successors offered to calls that did not rotate: none may ever be found in the store. */
  refused: NewRefreshToken[];
  /** Graced answers the store gave, by token id, counted as they came (not as the model predicts them). */
  gracedAnswers: Record<string, number>;
}

export function initialModel(grace: ReuseGrace, userIds: string[]): FamilyModel {
  return { grace, now: T0, userIds, sessions: [], refused: [], gracedAnswers: {} };
}

function item<T>(items: readonly T[], index: number): T {
  const found = items[index];
  if (found === undefined)
    throw new Error(`model: no item ${String(index)} of ${String(items.length)}`);
  return found;
}

/** The `pick`-th of `items`, whatever their number (commands are generated before the model they run on). */
export const nth = <T>(items: readonly T[], pick: number): T => item(items, pick % items.length);

/**
 * The session a command acts on: a live one seven picks in eight while there is one (a family needs a live session
 * to grow), any of them otherwise, so ended sessions keep being tried too.
 */
export function pickSession(
  model: Readonly<FamilyModel>,
  pick: number,
  among: readonly SessionState[] = model.sessions,
): SessionState {
  const live = among.filter((state) => isLive(model, state));
  return pick % 8 !== 0 && live.length > 0 ? nth(live, pick >> 3) : nth(among, pick >> 3);
}

export const tipIndex = (state: SessionState) => state.chain.length - 1;
export const tokenAt = (state: SessionState, index: number) => item(state.chain, index);

export const isLive = (model: FamilyModel, state: SessionState) =>
  state.revoked === null && model.now < state.session.expiresAt.getTime();

export function openedSession(model: FamilyModel, userId: string): SessionState {
  const session = newSession(userId, {
    createdAt: new Date(model.now),
    expiresAt: new Date(model.now + SESSION_LIFETIME_MS),
  });
  return {
    session,
    revoked: null,
    chain: [{ token: offeredToken(model, session), usedAt: null, graced: 0 }],
  };
}

/** A token issued now for `session`, as the service issues them: never outliving the session. */
export function offeredToken(model: FamilyModel, session: NewSession): NewRefreshToken {
  const expiresAt = Math.min(model.now + TOKEN_LIFETIME_MS, session.expiresAt.getTime());
  return newToken(session, { createdAt: new Date(model.now), expiresAt: new Date(expiresAt) });
}

/** How the store must read the token at `index` back. */
export function storedRecord(state: SessionState, index: number): RefreshTokenRecord {
  const { token, usedAt } = tokenAt(state, index);
  return {
    ...token,
    usedAt: usedAt === null ? null : new Date(usedAt),
    replacedById: state.chain[index + 1]?.token.id ?? null,
  };
}

/** The answer to presenting the token at `index` with `successor` now, applied to the model. */
export function rotateInModel(
  model: FamilyModel,
  state: SessionState,
  index: number,
  successor: NewRefreshToken,
): RotationOutcome {
  const outcome = expectedRotation(model, state, index);
  const presented = tokenAt(state, index);
  if (outcome.outcome === 'rotated') {
    presented.usedAt = model.now;
    state.chain.push({ token: successor, usedAt: null, graced: 0 });
  } else {
    if (outcome.outcome === 'graced') presented.graced += 1;
    model.refused.push(successor);
  }
  return outcome;
}

function expectedRotation(model: FamilyModel, state: SessionState, index: number): RotationOutcome {
  const { token, usedAt } = tokenAt(state, index);
  if (state.revoked) return { outcome: 'revoked', reason: state.revoked.reason };
  if (usedAt !== null) return graceOrReuse(model, state, index, usedAt);
  if (model.now >= token.expiresAt.getTime() || model.now >= state.session.expiresAt.getTime()) {
    return { outcome: 'expired' };
  }
  return { outcome: 'rotated' };
}

/** A used token is graced only while its successor is unused, young, unexpired, and the cap not reached. */
function graceOrReuse(
  model: FamilyModel,
  state: SessionState,
  index: number,
  usedAt: number,
): RotationOutcome {
  const { grace, now } = model;
  const successor = tokenAt(state, index + 1);
  const graced =
    grace.windowMs > 0 &&
    successor.usedAt === null &&
    now - successor.token.createdAt.getTime() <= grace.windowMs &&
    now < successor.token.expiresAt.getTime() &&
    now < state.session.expiresAt.getTime() &&
    tokenAt(state, index).graced < grace.maxReplays;
  if (graced) return { outcome: 'graced', successor: storedRecord(state, index + 1) };
  return {
    outcome: 'reused',
    sessionId: state.session.id,
    userId: state.session.userId,
    usedAt: new Date(usedAt),
    generationsBehind: tipIndex(state) - index,
  };
}

/** Ends the session unless it has ended already; true when this call ended it (as revokeSession answers). */
export function revokeInModel(
  model: FamilyModel,
  state: SessionState,
  reason: RevocationReason,
): boolean {
  if (state.revoked) return false;
  state.revoked = { at: model.now, reason };
  return true;
}
