// Races in the model-based family test: several tokens of one session presented at once (each as the service's refresh
// does, a reuse ending the session), with a logout among them or not, started in an order fast-check's scheduler
// picks, some in one turn of the event loop and some in the next. The answers are judged the way a concurrent object
// is: there must be an order of the calls, each taking effect at one instant, in which the model gives every call the
// answer it got. That one check holds the race to the port's guarantees: one rotation of a token at most, a graced
// answer only with the one successor and never past the cap, nothing for a revoked session; the order found is then
// the model's new state, which the store must match.
import { isDeepStrictEqual } from 'node:util';
import type fc from 'fast-check';
import type { NewRefreshToken, RotationOutcome } from '../../src/storage/ports/session-store.js';
import type { Stores } from '../../src/storage/ports/stores.js';
import {
  isLive,
  nth,
  offeredToken,
  pickSession,
  revokeInModel,
  rotateInModel,
  tipIndex,
  tokenAt,
  type FamilyModel,
  type SessionState,
} from './refresh-family-model.js';
import { expectGracedAnswer } from './refresh-family-readback.js';

export interface RaceSpec {
  pick: number;
  /** One call per item: the token that many generations behind the tip (modulo the family's length). */
  backs: number[];
  logout: boolean;
  /** After starting the n-th call, whether to let the event loop turn before starting the next. */
  pauses: boolean[];
  scheduler: fc.Scheduler;
}

/** A token of the family a racing call presents, and the successor it offers. */
interface Presented {
  index: number;
  offer: NewRefreshToken;
}

interface Answer {
  rotation?: RotationOutcome;
  /** What revokeSession answered: after a reuse, or for the logout. */
  ended?: boolean;
}

/** One instant of a call: its rotation, the revocation its reuse set off, or the logout. */
type Step = { call: number; part: 'rotation' | 'revocation' };

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

export async function runRace(model: FamilyModel, stores: Stores, spec: RaceSpec): Promise<void> {
  const state = pickSession(model, spec.pick);
  const sessionIndex = model.sessions.indexOf(state);
  const now = new Date(model.now);
  const presented = spec.backs.map((back) => ({
    index: tipIndex(state) - (back % state.chain.length),
    offer: offeredToken(model, state.session),
  }));
  const calls = presented.map(({ index, offer }) => async (): Promise<Answer> => {
    const { tokenHash } = tokenAt(state, index).token;
    const rotation = await stores.sessions.rotateRefreshToken(tokenHash, offer, now, model.grace);
    if (rotation.outcome !== 'reused') return { rotation };
    const ended = await stores.sessions.revokeSession(
      state.session.id,
      'refresh_token_reused',
      now,
    );
    return { rotation, ended };
  });
  if (spec.logout) {
    calls.push(async () => ({
      ended: await stores.sessions.revokeSession(state.session.id, 'logout', now),
    }));
  }
  const answers = await startInScheduledOrder(calls, spec);
  for (const [call, { index }] of presented.entries()) {
    const rotation = answers[call]?.rotation;
    if (rotation) await expectGracedAnswer(stores, model, tokenAt(state, index).token, rotation);
  }

  const linearized = linearize(model, sessionIndex, presented, answers);
  if (!linearized) {
    throw new Error(
      `no order of the racing calls gives their answers:\n${raceStory(model, state, presented, answers)}`,
    );
  }
  Object.assign(model, linearized);
}

/** The session before the race and what each call got, for the failure message. */
function raceStory(
  model: FamilyModel,
  state: SessionState,
  presented: Presented[],
  answers: Answer[],
): string {
  const session = state.revoked
    ? `revoked (${state.revoked.reason})`
    : isLive(model, state)
      ? 'live'
      : 'expired';
  const tokens = state.chain.map(
    ({ usedAt, graced }, index) =>
      `token ${String(index)} ${usedAt === null ? 'unused' : `used ${String(model.now - usedAt)} ms ago`}, graced ${String(graced)}x`,
  );
  const calls = answers.map((answer, call) => {
    const target = presented[call];
    const what = target ? `token ${String(target.index)}` : 'logout';
    const { outcome, ...details } = answer.rotation ?? { outcome: 'ended' };
    const ended = answer.ended === undefined ? '' : `, revokeSession -> ${String(answer.ended)}`;
    return `call ${String(call)} (${what}): ${outcome} ${JSON.stringify(details)}${ended}`;
  });
  return [`session ${session}; ${tokens.join('; ')}`, ...calls].join('\n');
}

/** Starts the calls in the order the scheduler releases them, letting the event loop turn where `pauses` says. */
async function startInScheduledOrder(
  calls: Array<() => Promise<Answer>>,
  { scheduler, pauses }: RaceSpec,
): Promise<Answer[]> {
  const started = calls.map((call, index) =>
    scheduler.schedule(Promise.resolve(), `call ${String(index)}`).then(call),
  );
  const settled = Promise.allSettled(started);
  for (let released = 0; released < calls.length; released += 1) {
    await scheduler.waitNext(1);
    if (pauses[released % pauses.length]) await nextTurn();
  }
  return (await settled).map((result) => {
    if (result.status === 'rejected') throw result.reason;
    return result.value;
  });
}

/**
 * A model after the calls in an order that gives each its answer, or undefined when there is none. The state after
 * a set of steps does not depend on their order once every step's answer is fixed, so a set that led nowhere is not
 * tried again.
 */
function linearize(
  before: FamilyModel,
  sessionIndex: number,
  presented: Presented[],
  answers: Answer[],
): FamilyModel | undefined {
  const steps: Step[] = answers.flatMap((answer, call) => [
    ...(answer.rotation ? [{ call, part: 'rotation' as const }] : []),
    ...(answer.ended !== undefined ? [{ call, part: 'revocation' as const }] : []),
  ]);
  const deadEnds = new Set<string>();

  function search(model: FamilyModel, done: Set<Step>): FamilyModel | undefined {
    if (done.size === steps.length) return model;
    const key = steps.map((step) => (done.has(step) ? '1' : '0')).join('');
    if (deadEnds.has(key)) return undefined;
    for (const step of steps) {
      if (done.has(step) || !ready(step, done)) continue;
      const next = structuredClone(model);
      if (!takeStep(next, step)) continue;
      const found = search(next, new Set([...done, step]));
      if (found) return found;
    }
    deadEnds.add(key);
    return undefined;
  }

  /** A call's revocation comes after its own rotation. */
  const ready = (step: Step, done: Set<Step>) =>
    step.part === 'rotation' ||
    !steps.some(
      (other) => other.call === step.call && other.part === 'rotation' && !done.has(other),
    );

  function takeStep(model: FamilyModel, { call, part }: Step): boolean {
    const state = nth(model.sessions, sessionIndex);
    const answer = answers[call];
    const target = presented[call];
    if (part === 'revocation' || !target) {
      const reason = target ? 'refresh_token_reused' : 'logout';
      return revokeInModel(model, state, reason) === answer?.ended;
    }
    return isDeepStrictEqual(
      rotateInModel(model, state, target.index, target.offer),
      answer?.rotation,
    );
  }

  return search(structuredClone(before), new Set());
}
