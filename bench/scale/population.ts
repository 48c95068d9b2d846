// The population bench:scale seeds, described once for both adapters: accounts, the sessions they opened over the
// last weeks and each session's refresh tokens as rotation leaves them (a chain of used tokens, each naming its
// successor, and one unused at its end), with the expiry the service's default lifetimes give them, so a realistic
// share is already past its end when the run starts. Ids and token hashes are random, as the service makes them;
// the rest comes from a seeded generator, so two runs of one size hold the same shape.
import { randomBytes, randomUUID } from 'node:crypto';
import { benchAddress } from '../seeded-accounts.js';

const DAY_MS = 86_400_000;
/** The service's defaults: SESSION_MAX_AGE (30 d) and JWT_REFRESH_TTL (7 d). */
export const SESSION_MAX_AGE_MS = 30 * DAY_MS;
export const REFRESH_TTL_MS = 7 * DAY_MS;
/** Sessions were opened over this many days before the run: those older than SESSION_MAX_AGE have ended. */
const SESSIONS_OPENED_OVER_MS = 36 * DAY_MS;
/** Accounts were created over the year before. */
const ACCOUNTS_CREATED_OVER_MS = 365 * DAY_MS;
/** Of the sessions, this share was ended by a logout before it expired. */
const LOGGED_OUT_SHARE = 0.08;
/** The longest time between two rotations of one session's chain. */
const ROTATION_GAP_MS = 2 * DAY_MS;
/** Sessions per refresh token when the size names tokens only (5,000,000 tokens: 1,500,000 sessions). */
export const SESSIONS_PER_TOKEN = 0.3;

export interface PopulationSize {
  users: number;
  sessions: number;
  tokens: number;
}

export interface SeededUser {
  id: string;
  email: string;
  name: string;
  emailVerified: boolean;
  createdAt: number;
}

export interface SeededSession {
  id: string;
  userId: string;
  createdAt: number;
  lastUsedAt: number;
  expiresAt: number;
  revokedAt: number | null;
  userAgent: string;
  ip: string;
}

export interface SeededToken {
  id: string;
  sessionId: string;
  userId: string;
  tokenHash: string;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
  replacedById: string | null;
}

/** A small, fast, seeded generator (mulberry32): the same size gives the same shape on every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'okhttp/4.12.0',
];

/** The accounts, in order: the i-th has address benchAddress('known', i) and the bench's one password. */
export function* seededUsers(size: PopulationSize, now: number): Generator<SeededUser> {
  const random = seededRandom(1);
  for (let index = 0; index < size.users; index += 1) {
    yield {
      id: randomUUID(),
      email: benchAddress('known', index),
      name: `Bench User ${String(index)}`,
      emailVerified: random() < 0.9,
      createdAt: Math.floor(now - random() * ACCOUNTS_CREATED_OVER_MS),
    };
  }
}

/**
 * Each session, with its refresh tokens in the order rotation issued them. Every account has one session, and the
 * sessions beyond that belong to accounts picked at random (a second device). `userIds` are the seeded accounts' ids,
 * in seeding order.
 */
export function* seededSessions(
  size: PopulationSize,
  userIds: readonly string[],
  now: number,
): Generator<{ session: SeededSession; tokens: SeededToken[] }> {
  const random = seededRandom(2);
  const perSession = Math.floor(size.tokens / size.sessions);
  const withOneMore = size.tokens % size.sessions;
  for (let index = 0; index < size.sessions; index += 1) {
    const userId =
      userIds[index < userIds.length ? index : Math.floor(random() * userIds.length)] ?? '';
    const createdAt = Math.floor(now - random() * SESSIONS_OPENED_OVER_MS);
    const expiresAt = createdAt + SESSION_MAX_AGE_MS;
    // Most sessions were used lately; some went quiet long ago.
    const end = Math.min(now, expiresAt);
    const lastUsedAt = Math.floor(end - random() ** 3 * (end - createdAt));
    const revokedAt = random() < LOGGED_OUT_SHARE ? lastUsedAt : null;
    const session: SeededSession = {
      id: randomUUID(),
      userId,
      createdAt,
      lastUsedAt,
      expiresAt,
      revokedAt,
      userAgent: USER_AGENTS[index % USER_AGENTS.length] ?? '',
      ip: `10.${String(index % 251)}.${String((index >> 8) % 251)}.${String((index >> 16) % 251)}`,
    };
    const count = perSession + (index < withOneMore ? 1 : 0);
    // Rotations come a few hours to a couple of days apart, the last at the session's last use.
    const gap = random() * ROTATION_GAP_MS;
    yield { session, tokens: chainOf(session, count, gap) };
  }
}

/** `count` tokens up to the session's last use, `gap` apart (or closer, to start no earlier than the session). */
function chainOf(session: SeededSession, count: number, gap: number): SeededToken[] {
  const step =
    count > 1 ? Math.min(gap, (session.lastUsedAt - session.createdAt) / (count - 1)) : 0;
  const firstAt = session.lastUsedAt - step * (count - 1);
  const ids = Array.from({ length: count }, () => randomUUID());
  const hashes = randomBytes(32 * count).toString('hex');
  return ids.map((id, place) => {
    const createdAt = Math.floor(firstAt + place * step);
    const next = ids[place + 1];
    return {
      id,
      sessionId: session.id,
      userId: session.userId,
      // The SHA-256 of a token nobody holds: as random as a real one's.
      tokenHash: hashes.slice(place * 64, place * 64 + 64),
      createdAt,
      expiresAt: Math.min(createdAt + REFRESH_TTL_MS, session.expiresAt),
      usedAt: next === undefined ? null : Math.floor(firstAt + (place + 1) * step),
      replacedById: next ?? null,
    };
  });
}

/** The size the command line asked for, with sessions following tokens unless named. */
export function populationSize(users: number, tokens: number, sessions?: number): PopulationSize {
  const size = { users, tokens, sessions: sessions ?? Math.round(tokens * SESSIONS_PER_TOKEN) };
  if (size.sessions < size.users) {
    throw new Error(
      `${String(size.sessions)} sessions for ${String(users)} users: every account needs one`,
    );
  }
  if (size.tokens < size.sessions) {
    throw new Error(
      `${String(tokens)} tokens for ${String(size.sessions)} sessions: every session needs one`,
    );
  }
  return size;
}
