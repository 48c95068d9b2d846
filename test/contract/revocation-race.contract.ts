// Rotation and revocation racing, part of the sessions port's contract: never a live token pair for a revoked session.
// Each case runs many rounds of concurrent calls (the revocation placed at a different point among them each round)
// and then checks what every adapter must guarantee, whatever order the server chose: at most one rotation wins, a
// rotation that did not answer 'rotated' stored nothing, a graced replay hands out only the one stored successor, and
// once the revocation has finished no token of the session rotates any more.
import { describe, expect, it } from 'vitest';
import type { Stores } from '../../src/storage/ports/stores.js';
import type { NewSession, RotationOutcome } from '../../src/storage/ports/session-store.js';
import { HOUR, at, newSession, newToken, type ContractHelpers } from './fixtures.js';

const ROUNDS = 12;
const RACING_ROTATIONS = 5;

type Revocation = (stores: Stores, session: NewSession, now: Date) => Promise<unknown>;

/** The revocations the service makes: logout and reuse end one session, logout-all and a password change many. */
const REVOCATIONS: Array<[string, Revocation]> = [
  ['logout', (stores, session, now) => stores.sessions.revokeSession(session.id, 'logout', now)],
  [
    'reuse detected',
    (stores, session, now) =>
      stores.sessions.revokeSession(session.id, 'refresh_token_reused', now),
  ],
  [
    'logout-all',
    (stores, session, now) => stores.sessions.revokeUserSessions(session.userId, 'logout_all', now),
  ],
  [
    'password change from another session',
    async (stores, session, now) => {
      const other = newSession(session.userId);
      await stores.sessions.openSession(other, newToken(other));
      return stores.sessions.revokeUserSessions(session.userId, 'password_changed', now, other.id);
    },
  ],
];

/** `calls` started in order, with `inserted` started at position `at` among them. */
function startInterleaved<T>(
  calls: Array<() => Promise<T>>,
  inserted: () => Promise<unknown>,
  position: number,
) {
  const started: Array<Promise<unknown>> = [];
  calls.forEach((call, index) => {
    if (index === position) started.push(inserted());
    started.push(call());
  });
  if (position >= calls.length) started.push(inserted());
  return Promise.all(started);
}

export function describeRevocationRaceContract({ freshStores, loggedIn }: ContractHelpers): void {
  describe('rotation racing revocation', () => {
    it.each(REVOCATIONS)(
      'when rotations race a revocation (%s), many times over, then none answers rotated for a session it cannot use',
      async (_, revoke) => {
        const stores = await freshStores();
        const now = at(HOUR);
        for (let round = 0; round < ROUNDS; round += 1) {
          const { session, token } = await loggedIn(stores);
          const successors = Array.from({ length: RACING_ROTATIONS }, () => newToken(session));
          const outcomes: RotationOutcome[] = [];
          await startInterleaved(
            successors.map((successor, index) => async () => {
              outcomes[index] = await stores.sessions.rotateRefreshToken(
                token.tokenHash,
                successor,
                now,
              );
            }),
            () => revoke(stores, session, now),
            round % (RACING_ROTATIONS + 1),
          );

          const rotated = outcomes.filter(({ outcome }) => outcome === 'rotated');
          expect(rotated.length, `round ${String(round)}`).toBeLessThanOrEqual(1);
          for (const [index, successor] of successors.entries()) {
            const outcome = outcomes[index]?.outcome;
            expect(['rotated', 'reused', 'revoked']).toContain(outcome);
            const stored = await stores.sessions.findRefreshToken(successor.tokenHash);
            // Nothing is written unless the outcome is 'rotated'.
            expect(stored !== undefined, `round ${String(round)}, ${String(outcome)}`).toBe(
              outcome === 'rotated',
            );
            // Once the revocation has finished, no token of the session rotates any more.
            const next = newToken(session);
            expect(
              (await stores.sessions.rotateRefreshToken(successor.tokenHash, next, now)).outcome,
            ).not.toBe('rotated');
          }
          expect(await stores.sessions.findLiveSession(session.id, now)).toBeUndefined();
          expect(
            (await stores.sessions.rotateRefreshToken(token.tokenHash, newToken(session), now))
              .outcome,
          ).not.toBe('rotated');
        }
      },
    );

    it.each(REVOCATIONS)(
      'when graced replays race a revocation (%s), many times over, then the successor they hand out never rotates after it',
      async (_, revoke) => {
        const stores = await freshStores();
        const now = at(HOUR);
        const grace = { windowMs: 10_000, maxReplays: 50 };
        for (let round = 0; round < ROUNDS; round += 1) {
          const { session, token } = await loggedIn(stores);
          const successor = newToken(session, { createdAt: now });
          await stores.sessions.rotateRefreshToken(token.tokenHash, successor, now);
          const replays = Array.from(
            { length: RACING_ROTATIONS },
            () => () =>
              stores.sessions.rotateRefreshToken(token.tokenHash, newToken(session), now, grace),
          );
          const outcomes = (await startInterleaved(
            replays,
            () => revoke(stores, session, now),
            round % (RACING_ROTATIONS + 1),
          )) as RotationOutcome[];

          for (const outcome of outcomes.filter((o) => o.outcome === 'graced')) {
            expect(outcome.successor.tokenHash, `round ${String(round)}`).toBe(successor.tokenHash);
          }
          expect(outcomes.filter((o) => o.outcome === 'rotated')).toEqual([]);
          const after = await stores.sessions.rotateRefreshToken(
            successor.tokenHash,
            newToken(session),
            now,
            grace,
          );
          expect(after.outcome).toBe('revoked');
          expect(await stores.sessions.findLiveSession(session.id, now)).toBeUndefined();
        }
      },
    );
  });
}
