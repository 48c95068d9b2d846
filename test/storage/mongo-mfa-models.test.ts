// The MongoDB schemas of the second factor, without a server: what validation accepts and refuses (naming the path),
// that no document has a field where a readable secret or code could sit, the indexes the guarantees rest on, and
// that every one of them is among the indexes a start with MONGODB_AUTO_INDEX=false requires.
import { randomBytes, randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { describe, expect, it } from 'vitest';
import { MFA_REQUIRED_INDEXES, createMfaModels } from '../../src/storage/mongo/mongo-mfa-models.js';
import { newRecoveryCodes } from '../contract/mfa-fixtures.js';

const models = createMfaModels(mongoose.createConnection());
const T0 = new Date('2030-01-01T00:00:00.000Z');
const T1 = new Date('2030-01-01T00:05:00.000Z');
const SEALED = `v1.${randomBytes(9).toString('base64url')}.${randomBytes(12).toString('base64url')}.${randomBytes(20).toString('base64url')}`;
const FACTOR_ID = randomUUID();

const build = {
  mfaPendingFactors: () => ({
    _id: randomUUID(),
    factorId: FACTOR_ID,
    sealedSecret: SEALED,
    createdAt: T0,
    pendingUntil: T1,
  }),
  mfaFactors: () => ({
    _id: randomUUID(),
    factorId: FACTOR_ID,
    sealedSecret: SEALED,
    createdAt: T0,
    confirmedAt: T1,
  }),
  mfaTotpSteps: () => ({
    _id: `${FACTOR_ID}:63000000`,
    userId: randomUUID(),
    factorId: FACTOR_ID,
    step: 63_000_000,
  }),
  mfaRecoverySets: () => ({
    _id: randomUUID(),
    userId: randomUUID(),
    factorId: FACTOR_ID,
    place: 0,
    createdAt: T0,
    codes: newRecoveryCodes(),
  }),
  mfaRecoveryCodeUses: () => ({
    _id: `${FACTOR_ID}:abcd`,
    userId: randomUUID(),
    setId: FACTOR_ID,
    usedAt: T0,
  }),
  mfaRecoverySetChecks: () => ({ _id: randomUUID(), userId: randomUUID(), dueAt: T1 }),
  mfaChallenges: () => ({
    _id: randomUUID(),
    userId: randomUUID(),
    tokenHash: randomBytes(32).toString('base64url'),
    createdAt: T0,
    expiresAt: T1,
    deviceId: randomBytes(12).toString('base64url'),
  }),
  mfaChallengeFailures: () => ({ _id: `${FACTOR_ID}:4`, challengeId: FACTOR_ID, expiresAt: T1 }),
  mfaChallengeUses: () => ({ _id: randomUUID(), usedAt: T0, expiresAt: T1 }),
};
type Built = keyof typeof build;

async function invalidPaths(model: Built, document: object): Promise<string[]> {
  try {
    await new models[model](document).validate();
    return [];
  } catch (error) {
    if (error instanceof mongoose.Error.ValidationError) return Object.keys(error.errors);
    throw error;
  }
}

describe('mongo schemas of the second factor: validation', () => {
  it.each(Object.keys(build) as Built[])(
    'when a %s document is built as the adapter builds it, then it validates',
    async (model) => {
      expect(await invalidPaths(model, build[model]())).toEqual([]);
    },
  );

  it.each<[string, Built, Record<string, unknown>, string]>([
    [
      'a base32 secret in the clear',
      'mfaFactors',
      { sealedSecret: 'JBSWY3DPEHPK3PXP' },
      'sealedSecret',
    ],
    ['no sealed secret', 'mfaPendingFactors', { sealedSecret: undefined }, 'sealedSecret'],
    [
      'a pending factor without its end',
      'mfaPendingFactors',
      { pendingUntil: undefined },
      'pendingUntil',
    ],
    ['a negative step', 'mfaTotpSteps', { step: -1 }, 'step'],
    ['a fractional step', 'mfaTotpSteps', { step: 1.5 }, 'step'],
    ['a step key without its step', 'mfaTotpSteps', { _id: FACTOR_ID }, '_id'],
    ['a negative place', 'mfaRecoverySets', { place: -1 }, 'place'],
    [
      'a code kept in the clear',
      'mfaRecoverySets',
      { codes: [{ lookupId: 'abcd', codeHash: 'abcd-efgh-jkmn-pqrs' }] },
      'codes.0.codeHash',
    ],
    ['a hex challenge hash', 'mfaChallenges', { tokenHash: 'ab'.repeat(32) }, 'tokenHash'],
    ['a failure key without its place', 'mfaChallengeFailures', { _id: FACTOR_ID }, '_id'],
    ['a use without its expiry', 'mfaChallengeUses', { expiresAt: undefined }, 'expiresAt'],
  ])(
    'when a document has %s, then validation fails on exactly that path',
    async (_, model, overrides, path) => {
      expect(await invalidPaths(model, { ...build[model](), ...overrides })).toEqual([path]);
    },
  );

  it.each<[Built, string]>([
    ['mfaFactors', 'secret'],
    ['mfaPendingFactors', 'otpauthUri'],
    ['mfaRecoveryCodeUses', 'code'],
  ])(
    'when a %s document carries %s, then the constructor throws (no field holds a readable secret)',
    (model, field) => {
      expect(() => new models[model]({ ...build[model](), [field]: 'x' })).toThrow(
        mongoose.Error.StrictModeError,
      );
    },
  );
});

describe('mongo schemas of the second factor: indexes and collections', () => {
  it('when the recovery set indexes are read, then a factor has one set per place', () => {
    expect(models.mfaRecoverySets.schema.indexes()).toContainEqual([
      { factorId: 1, place: 1 },
      { unique: true, name: 'mfa_recovery_sets_place' },
    ]);
  });

  it('when the challenge indexes are read, then the hash is unique and the expiry indexed (no TTL)', () => {
    expect(models.mfaChallenges.schema.indexes()).toEqual([
      [{ tokenHash: 1 }, { unique: true, name: 'mfa_challenges_hash' }],
      [{ expiresAt: 1 }, { name: 'mfa_challenges_expires' }],
    ]);
  });

  it('when every declared index is read, then it is one FerretDB builds and one the start requires', () => {
    for (const model of Object.values(models)) {
      const required = MFA_REQUIRED_INDEXES[model.collection.collectionName] ?? [];
      const declared = model.schema.indexes().map(([, options]) => options.name);
      expect(declared.sort(), model.collection.collectionName).toEqual([...required].sort());
      for (const [, options] of model.schema.indexes()) {
        expect(options).not.toHaveProperty('partialFilterExpression');
        expect(options).not.toHaveProperty('sparse');
        expect(options).not.toHaveProperty('expireAfterSeconds');
      }
      expect(model.schema.get('strict')).toBe('throw');
      expect(model.schema.get('autoIndex')).toBe(false);
      expect(model.collection.collectionName).toMatch(/^mfa_/);
    }
  });
});
