// The filters the second factor's MongoDB adapter sends, as small pure functions (like mongo-queries.ts): values are
// checked to be strings or integers at run time as well as in types; the operators written here are ours, marked
// trusted, as the connection sanitizes every filter.
import mongoose from 'mongoose';

const { trusted } = mongoose;

function text(value: string): string {
  if (typeof value !== 'string') throw new TypeError('a MongoDB filter value must be a string');
  return value;
}

function integer(value: number): number {
  if (!Number.isSafeInteger(value))
    throw new TypeError('a MongoDB filter number must be an integer');
  return value;
}

export const ofUser = (userId: string) => ({ userId: text(userId) });

/** The pending factor while it is still this setup's (a later setup replaced it otherwise). */
export const pendingFactorOf = (userId: string, factorId: string) => ({
  _id: text(userId),
  factorId: text(factorId),
});

export const pendingExpiredBefore = (now: Date) => ({ pendingUntil: trusted({ $lt: now }) });

export const pendingExpiredAmong = (userIds: string[], now: Date) => ({
  _id: trusted({ $in: userIds.map(text) }),
  pendingUntil: trusted({ $lt: now }),
});

export const stepsOfFactor = (factorId: string) => ({ factorId: text(factorId) });

export const stepsAfter = (factorId: string, step: number) => ({
  factorId: text(factorId),
  step: trusted({ $gt: integer(step) }),
});

export const stepsBefore = (factorId: string, step: number) => ({
  factorId: text(factorId),
  step: trusted({ $lt: integer(step) }),
});

/** The latest step first. */
export const byStepDescending = { step: -1 } as const;

export const setsOfFactor = (factorId: string) => ({ factorId: text(factorId) });

export const setsBefore = (factorId: string, place: number) => ({
  factorId: text(factorId),
  place: trusted({ $lt: integer(place) }),
});

/** The newest set first. */
export const byPlaceDescending = { place: -1 } as const;

export const usesOfSets = (setIds: string[]) => ({ setId: trusted({ $in: setIds.map(text) }) });

export const checksDueBefore = (now: Date) => ({ dueAt: trusted({ $lt: now }) });

export const challengeByHash = (tokenHash: string) => ({ tokenHash: text(tokenHash) });

export const failuresOf = (challengeId: string) => ({ challengeId: text(challengeId) });
