// The invariants the model-based family test checks after every command, by reading the store back through the port
// only: every session is live exactly when the model says (so a revoked one never comes back), ended with the reason
// the model gave it, and every token of its family reads back as the model's chain has it: all used and pointing to
// the next but the one unused tip (so no family forks), while no successor offered to a call that did not rotate was
// ever stored. Each graced answer is held to the stored successor as it comes.
import { expect } from 'vitest';
import type { NewRefreshToken, RotationOutcome } from '../../src/storage/ports/session-store.js';
import type { Stores } from '../../src/storage/ports/stores.js';
import {
  isLive,
  storedRecord,
  type FamilyModel,
  type SessionState,
} from './refresh-family-model.js';

export async function expectStoreMatchesModel(stores: Stores, model: FamilyModel): Promise<void> {
  const now = new Date(model.now);
  const refused = await Promise.all(
    model.refused.map((offer) => stores.sessions.findRefreshToken(offer.tokenHash)),
  );
  expect(
    refused.filter(Boolean),
    'successors stored by calls that did not rotate (a forked family)',
  ).toEqual([]);
  await Promise.all(model.sessions.map((state) => expectSessionMatches(stores, model, state, now)));
}

async function expectSessionMatches(
  stores: Stores,
  model: FamilyModel,
  state: SessionState,
  now: Date,
): Promise<void> {
  const { id } = state.session;
  const [live, stored, chain] = await Promise.all([
    stores.sessions.findLiveSession(id, now),
    stores.sessions.findSession(id),
    Promise.all(state.chain.map(({ token }) => stores.sessions.findRefreshToken(token.tokenHash))),
  ]);
  expect(live?.session.id, `session ${id} live`).toBe(isLive(model, state) ? id : undefined);
  expect(
    { revokedAt: stored?.revokedAt, revokedReason: stored?.revokedReason },
    `session ${id} ended`,
  ).toEqual({
    revokedAt: state.revoked ? new Date(state.revoked.at) : null,
    revokedReason: state.revoked?.reason ?? null,
  });
  expect(chain, `family of session ${id}`).toEqual(
    state.chain.map((_, index) => storedRecord(state, index)),
  );
}

/**
 * Counts a graced answer to presenting `presented` and holds it to the token's stored successor: a graced replay
 * gets that one successor, byte for byte, and no token gets more graced answers than the cap.
 */
export async function expectGracedAnswer(
  stores: Stores,
  model: FamilyModel,
  presented: NewRefreshToken,
  answer: RotationOutcome,
): Promise<void> {
  if (answer.outcome !== 'graced') return;
  const count = (model.gracedAnswers[presented.id] ?? 0) + 1;
  model.gracedAnswers[presented.id] = count;
  expect(count, `graced answers for token ${presented.id}`).toBeLessThanOrEqual(
    model.grace.maxReplays,
  );
  const [parent, successor] = await Promise.all([
    stores.sessions.findRefreshToken(presented.tokenHash),
    stores.sessions.findRefreshToken(answer.successor.tokenHash),
  ]);
  expect(answer.successor.id, 'a graced answer is the stored successor').toBe(parent?.replacedById);
  // Unused when answered (a later call of a race may have used it since).
  const { usedAt, replacedById, ...issued } = answer.successor;
  expect({ usedAt, replacedById }, 'the graced successor is unused').toEqual({
    usedAt: null,
    replacedById: null,
  });
  expect(successor, 'the graced successor as stored').toMatchObject(issued);
}
