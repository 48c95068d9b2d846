// The commands of the model-based family test, each a call (or a few) on the sessions port next to the same step in
// the model (refresh-family-model.ts): login, refresh with the newest token, replay of an older one, a stranger's
// token, logout, logout-all and password change, and waits short and long. Each single call must answer exactly what
// the model predicts; races are refresh-family-races.ts. After each command the store is read back against the model.
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { expect } from 'vitest';
import type { RevocationReason } from '../../src/storage/ports/session-store.js';
import type { Stores } from '../../src/storage/ports/stores.js';
import { DAY, HOUR, newSession } from './fixtures.js';
import {
  isLive,
  nth,
  offeredToken,
  openedSession,
  pickSession,
  revokeInModel,
  rotateInModel,
  tipIndex,
  tokenAt,
  type FamilyModel,
  type SessionState,
} from './refresh-family-model.js';
import { expectGracedAnswer, expectStoreMatchesModel } from './refresh-family-readback.js';
import { runRace } from './refresh-family-races.js';

export type FamilyCommand = fc.AsyncCommand<FamilyModel, Stores>;

/** Logins stop while this many sessions are live, and start again as sessions end. */
const MAX_LIVE_SESSIONS = 4;

/** A command that checks the whole store against the model once it has run. */
function command(
  label: string | (() => string),
  check: (model: Readonly<FamilyModel>) => boolean,
  run: (model: FamilyModel, stores: Stores) => Promise<void>,
): FamilyCommand {
  return {
    check,
    async run(model, stores) {
      await run(model, stores);
      await expectStoreMatchesModel(stores, model);
    },
    toString: () => (typeof label === 'string' ? label : label()),
  };
}

const hasSessions = (model: Readonly<FamilyModel>) => model.sessions.length > 0;
const rotatedSessions = (model: Readonly<FamilyModel>) =>
  model.sessions.filter((state) => state.chain.length > 1);

/**
 * Presents the token at `index` of the session as the service's refresh would (DESIGN section 9): a reuse ends the
 * session. A graced answer must be the token's stored successor.
 */
export async function presentToken(
  stores: Stores,
  model: FamilyModel,
  state: SessionState,
  index: number,
): Promise<void> {
  const { token } = tokenAt(state, index);
  const now = new Date(model.now);
  const successor = offeredToken(model, state.session);
  const expected = rotateInModel(model, state, index, successor);
  const answer = await stores.sessions.rotateRefreshToken(
    token.tokenHash,
    successor,
    now,
    model.grace,
  );
  await expectGracedAnswer(stores, model, token, answer);
  expect(answer, `token ${String(index)} of ${String(tipIndex(state))}`).toEqual(expected);
  if (answer.outcome === 'reused') {
    const ended = await stores.sessions.revokeSession(
      state.session.id,
      'refresh_token_reused',
      now,
    );
    expect(ended, 'reuse ended the session').toBe(
      revokeInModel(model, state, 'refresh_token_reused'),
    );
  }
}

const login = fc.nat().map((user) =>
  command(
    `login(user ${String(user % 2)})`,
    (model) => model.sessions.filter((state) => isLive(model, state)).length < MAX_LIVE_SESSIONS,
    async (model, stores) => {
      const state = openedSession(model, nth(model.userIds, user));
      const first = tokenAt(state, 0).token;
      await stores.sessions.openSession(state.session, first);
      model.sessions.push(state);
    },
  ),
);

const refresh = fc.nat().map((pick) =>
  command(`refresh(session ${String(pick)})`, hasSessions, (model, stores) => {
    const state = pickSession(model, pick);
    return presentToken(stores, model, state, tipIndex(state));
  }),
);

const replay = fc.tuple(fc.nat(), fc.oneof(fc.constant(1), fc.nat(8))).map(([pick, back]) =>
  command(
    `replay(session ${String(pick)}, ${String(back)} back)`,
    (model) => rotatedSessions(model).length > 0,
    (model, stores) => {
      const state = pickSession(model, pick, rotatedSessions(model));
      const generations = 1 + (back % tipIndex(state));
      return presentToken(stores, model, state, tipIndex(state) - generations);
    },
  ),
);

/** A token nobody issued, or one presented with a successor for another session: unknown, and nothing stored. */
const stranger = fc.tuple(fc.nat(), fc.boolean()).map(([pick, unknownHash]) =>
  command(
    `stranger(session ${String(pick)}, ${unknownHash ? 'unknown token' : 'successor for another session'})`,
    hasSessions,
    async (model, stores) => {
      const state = pickSession(model, pick);
      const now = new Date(model.now);
      const elsewhere = newSession(state.session.userId, { expiresAt: state.session.expiresAt });
      const successor = offeredToken(model, unknownHash ? state.session : elsewhere);
      const tokenHash = unknownHash
        ? randomBytes(32).toString('hex')
        : tokenAt(state, tipIndex(state)).token.tokenHash;
      const answer = await stores.sessions.rotateRefreshToken(
        tokenHash,
        successor,
        now,
        model.grace,
      );
      model.refused.push(successor);
      expect(answer).toEqual({ outcome: 'unknown' });
    },
  ),
);

const logout = fc.nat().map((pick) =>
  command(`logout(session ${String(pick)})`, hasSessions, async (model, stores) => {
    const state = pickSession(model, pick);
    const ended = await stores.sessions.revokeSession(
      state.session.id,
      'logout',
      new Date(model.now),
    );
    expect(ended).toBe(revokeInModel(model, state, 'logout'));
  }),
);

/** Logout-all ends every session of the user; a password change all but the one it was made from. */
const revokeUser = fc
  .tuple(fc.nat(), fc.constantFrom<RevocationReason>('logout_all', 'password_changed'), fc.nat())
  .map(([user, reason, keep]) =>
    command(
      `${reason}(user ${String(user % 2)}, keeping ${String(keep)})`,
      () => true,
      async (model, stores) => {
        const userId = nth(model.userIds, user);
        const owned = model.sessions.filter((state) => state.session.userId === userId);
        const kept =
          reason === 'password_changed' && owned.length > 0 ? nth(owned, keep) : undefined;
        const ended = await stores.sessions.revokeUserSessions(
          userId,
          reason,
          new Date(model.now),
          kept?.session.id,
        );
        const expected = owned.filter(
          (state) => state !== kept && revokeInModel(model, state, reason),
        );
        expect(ended).toBe(expected.length);
      },
    ),
  );

/** Several tokens of one session presented at once, a logout among them or not, in the scheduler's order. */
const race = fc
  .record({
    pick: fc.nat(),
    backs: fc.array(fc.oneof(fc.constant(0), fc.constant(1), fc.nat(6)), {
      minLength: 2,
      maxLength: 6,
    }),
    logout: fc.oneof(fc.constant(false), fc.constant(false), fc.constant(true)),
    pauses: fc.array(fc.boolean(), { minLength: 1, maxLength: 6 }),
    scheduler: fc.scheduler(),
  })
  .map((spec) => {
    const calls = `${spec.backs.map((back) => `${String(back)} back`).join(', ')}${spec.logout ? ', logout' : ''}`;
    // The order the scheduler started the calls in, once the race has run.
    const label = () => {
      const order = spec.scheduler.report().map((task) => task.label);
      return `race(session ${String(spec.pick)}: ${calls}; started ${order.join(', ') || 'not yet'})`;
    };
    return command(label, hasSessions, (model, stores) => runRace(model, stores, spec));
  });

const wait = (ms: fc.Arbitrary<number>) =>
  ms.map((duration) =>
    command(
      `wait(${String(duration)} ms)`,
      () => true,
      (model) => {
        model.now += duration;
        return Promise.resolve();
      },
    ),
  );

/** The commands, the common ones listed more than once so they are drawn more often. */
export function familyCommands(): Array<fc.Arbitrary<FamilyCommand>> {
  // Each kind of wait also lands exactly on the edges: the end of the grace window, a token's lifetime (a day) and
  // a session's (two days).
  const insideGrace = wait(
    fc.oneof(fc.constantFrom(1, 10_000), fc.integer({ min: 1, max: 10_000 })),
  );
  const pastGrace = wait(fc.oneof(fc.constant(10_001), fc.integer({ min: 10_001, max: 120_000 })));
  const hours = wait(
    fc.oneof(fc.constantFrom(DAY, 2 * DAY), fc.integer({ min: HOUR, max: 2 * DAY })),
  );
  return [
    login,
    login,
    login,
    refresh,
    refresh,
    refresh,
    refresh,
    replay,
    replay,
    replay,
    stranger,
    logout,
    revokeUser,
    insideGrace,
    insideGrace,
    pastGrace,
    hours,
    race,
    race,
    race,
  ];
}
